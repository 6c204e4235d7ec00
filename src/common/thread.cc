#include "common/thread.h"

#include <pthread.h>

#include <cstring>

namespace mini {

void NameThisThread(const char* name) {
  char truncated[16] = {};
  std::strncpy(truncated, name, sizeof(truncated) - 1);
  pthread_setname_np(pthread_self(), truncated);
}

}  // namespace mini
