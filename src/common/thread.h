// Names of the threads this process starts: what `ps -L`, `top -H` and perf show.
#pragma once

namespace mini {

/// Names the calling thread (at most 15 characters are kept: the kernel's limit).
void NameThisThread(const char* name);

}  // namespace mini
