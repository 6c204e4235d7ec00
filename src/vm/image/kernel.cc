#include "vm/image/kernel.h"

#include <elf.h>
#include <lzma.h>

#include <cstring>
#include <set>

namespace mini::vm::image {

Result<std::string> ExtractVmlinux(std::string_view bzimage) {
  static constexpr std::string_view kXzMagic("\xFD" "7zXZ\0", 6);
  for (size_t at = bzimage.find(kXzMagic); at != std::string_view::npos;
       at = bzimage.find(kXzMagic, at + 1)) {
    lzma_stream strm = LZMA_STREAM_INIT;
    if (lzma_stream_decoder(&strm, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
      return Error(Code::kInternal, "cannot start the XZ decoder");
    }
    std::string out;
    strm.next_in = reinterpret_cast<const uint8_t*>(bzimage.data() + at);
    strm.avail_in = bzimage.size() - at;
    lzma_ret r = LZMA_OK;
    while (r == LZMA_OK) {
      out.resize(out.size() + (16 << 20));
      size_t before = out.size() - (16 << 20);
      strm.next_out = reinterpret_cast<uint8_t*>(out.data() + before);
      strm.avail_out = 16 << 20;
      // The stream is followed by padding, so the end of input is signalled explicitly.
      r = lzma_code(&strm, strm.avail_in == 0 ? LZMA_FINISH : LZMA_RUN);
      out.resize(out.size() - strm.avail_out);
    }
    lzma_end(&strm);
    // Trailing data after the stream shows up as a data error once the ELF is out.
    if ((r == LZMA_STREAM_END || r == LZMA_DATA_ERROR) && out.size() > 4 &&
        std::memcmp(out.data(), ELFMAG, SELFMAG) == 0) {
      return out;
    }
  }
  return Error(Code::kInvalidArgument,
               "no XZ-compressed ELF kernel found in the bzImage (is it a Debian kernel?)");
}

Result<std::vector<std::pair<std::string, std::string>>> ReadModInfo(std::string_view ko) {
  if (ko.size() < sizeof(Elf64_Ehdr) || std::memcmp(ko.data(), ELFMAG, SELFMAG) != 0) {
    return Error(Code::kInvalidArgument, "not an ELF module");
  }
  Elf64_Ehdr eh;
  std::memcpy(&eh, ko.data(), sizeof eh);
  auto section = [&](unsigned i) {
    Elf64_Shdr sh{};
    size_t off = eh.e_shoff + size_t{i} * eh.e_shentsize;
    if (off + sizeof sh <= ko.size()) std::memcpy(&sh, ko.data() + off, sizeof sh);
    return sh;
  };
  Elf64_Shdr names = section(eh.e_shstrndx);
  for (unsigned i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh = section(i);
    if (names.sh_offset + sh.sh_name >= ko.size() || sh.sh_offset + sh.sh_size > ko.size()) {
      continue;
    }
    if (std::strcmp(ko.data() + names.sh_offset + sh.sh_name, ".modinfo") != 0) continue;
    std::vector<std::pair<std::string, std::string>> info;
    std::string_view body = ko.substr(sh.sh_offset, sh.sh_size);
    while (!body.empty()) {
      size_t end = body.find('\0');
      std::string_view item = body.substr(0, end);
      size_t eq = item.find('=');
      if (eq != std::string_view::npos) {
        info.emplace_back(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
      }
      if (end == std::string_view::npos) break;
      body.remove_prefix(end + 1);
    }
    return info;
  }
  return Error(Code::kInvalidArgument, "the module has no .modinfo section");
}

std::string_view StripModuleSignature(std::string_view ko) {
  static constexpr std::string_view kMarker = "~Module signature appended~\n";
  // struct module_signature: 12 bytes, the signature's length big-endian in the last four.
  if (!ko.ends_with(kMarker) || ko.size() < kMarker.size() + 12) return ko;
  const auto* sig = reinterpret_cast<const unsigned char*>(ko.data() + ko.size() - kMarker.size() - 12);
  size_t sig_len = (size_t{sig[8]} << 24) | (size_t{sig[9]} << 16) | (size_t{sig[10]} << 8) | sig[11];
  size_t trailer = kMarker.size() + 12 + sig_len;
  return trailer > ko.size() ? ko : ko.substr(0, ko.size() - trailer);
}

std::string ModuleName(std::string_view file_or_name) {
  std::string name(file_or_name.substr(file_or_name.rfind('/') + 1));
  if (name.ends_with(".ko")) name.resize(name.size() - 3);
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

namespace {
struct Orderer {
  const std::function<std::optional<ModuleDeps>(const std::string&)>& lookup;
  const std::function<std::optional<std::string>(const std::string&)>& resolve_alias;
  std::set<std::string> seen;
  std::vector<std::string> order;

  Status Visit(const std::string& raw, bool required) {
    std::string name = ModuleName(raw);
    if (seen.count(name)) return Status::Ok();
    std::optional<ModuleDeps> deps = lookup(name);
    if (!deps) {
      std::optional<std::string> real = resolve_alias(raw);
      if (real && ModuleName(*real) != name) return Visit(*real, required);
      if (required) return Error(Code::kNotFound, "kernel module \"{}\" not found", raw);
      return Status::Ok();  // a softdep that this kernel builds in
    }
    seen.insert(name);
    for (const std::string& pre : deps->pre) MINI_RETURN_IF_ERROR(Visit(pre, false));
    for (const std::string& dep : deps->depends) MINI_RETURN_IF_ERROR(Visit(dep, true));
    order.push_back(name);
    return Status::Ok();
  }
};
}  // namespace

Result<std::vector<std::string>> OrderModules(
    const std::vector<std::string>& wanted,
    const std::function<std::optional<ModuleDeps>(const std::string&)>& lookup,
    const std::function<std::optional<std::string>(const std::string&)>& resolve_alias) {
  Orderer o{lookup, resolve_alias, {}, {}};
  for (const std::string& w : wanted) MINI_RETURN_IF_ERROR(o.Visit(w, true));
  return o.order;
}

}  // namespace mini::vm::image
