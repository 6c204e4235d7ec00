// The guest kernel, kept in MINI_HOME/cache: Debian's linux-image-amd64 package fetched once
// with apt, unpacked to cache/kernel/<package file>/ (the ELF vmlinux, the modules containers
// and networking use, signatures cut off, and the kernel's version).
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"

namespace mini::vm::image {

struct Kernel {
  std::filesystem::path dir;  // vmlinux, modules/<name>.ko, version
  std::string version;        // uname -r
};

/// Finds the unpacked kernel or fetches and unpacks it, saying so.
Result<Kernel> EnsureKernel(const std::filesystem::path& cache_dir,
                            const std::function<void(const std::string&)>& say);

/// `wanted` and what they depend on, dependencies first, from the modules' own .modinfo.
Result<std::vector<std::string>> ModuleOrder(const std::filesystem::path& modules,
                                             const std::vector<std::string>& wanted);

}  // namespace mini::vm::image
