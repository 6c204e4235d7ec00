// The kernel half of the guest image: the uncompressed vmlinux QEMU boots through its PVH entry
// (decompressing the bzImage in the guest costs ~5.5 s under TCG), and the modules the guest
// loads, ordered so that each comes after what it depends on.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace mini::vm::image {

/// The ELF vmlinux inside a bzImage whose payload is XZ-compressed (Debian's).
Result<std::string> ExtractVmlinux(std::string_view bzimage);

/// The key=value strings of a module's .modinfo section ("depends", "softdep", "alias", ...),
/// in file order.
Result<std::vector<std::pair<std::string, std::string>>> ReadModInfo(std::string_view ko);

/// The module without its appended signature (the kernel does not force signatures; an
/// unsigned module loads faster).
std::string_view StripModuleSignature(std::string_view ko);

/// A module's name as the kernel spells it ('-' becomes '_').
std::string ModuleName(std::string_view file_or_name);

/// What the resolver needs to know about one module: its direct dependencies ("depends") and
/// the modules it wants loaded before it ("softdep pre:"), either by name or by alias.
struct ModuleDeps {
  std::vector<std::string> depends;
  std::vector<std::string> pre;
};

/// Orders `wanted` and everything they need, dependencies first. `lookup` returns a module's
/// deps or nullopt when there is no such module; `resolve_alias` maps a softdep alias (crc32c)
/// to a module name. kNotFound names a wanted module that does not exist.
Result<std::vector<std::string>> OrderModules(
    const std::vector<std::string>& wanted,
    const std::function<std::optional<ModuleDeps>(const std::string&)>& lookup,
    const std::function<std::optional<std::string>(const std::string&)>& resolve_alias);

}  // namespace mini::vm::image
