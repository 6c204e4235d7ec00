#include "vm/image/packages.h"

#include <unistd.h>

#include <set>
#include <spdlog/spdlog.h>
#include <sstream>

#include "common/command.h"
#include "common/files.h"
#include "vm/image/archive.h"

namespace mini::vm::image {
namespace fs = std::filesystem;

namespace {

// dpkg records paths as the package ships them (/lib/..., /bin/...); on a merged-/usr host
// the same file is also reached through /usr.
std::vector<std::string> Spellings(const std::string& path) {
  std::vector<std::string> out = {path};
  if (path.starts_with("/usr/")) {
    out.push_back(path.substr(4));
  } else {
    out.push_back("/usr" + path);
  }
  return out;
}

// apt-get download of `wanted` ("name:arch=version") into `dir`. apt refuses the whole list if
// one version is no longer on the mirror; those are named in its errors, left out, and
// returned, and the rest is fetched.
Result<std::set<std::string>> Download(const fs::path& dir, std::vector<std::string> wanted) {
  std::set<std::string> gone;
  for (int attempt = 0; attempt < 2 && !wanted.empty(); ++attempt) {
    // As root, apt downloads as its own unprivileged user, who cannot write into MINI_HOME.
    std::vector<std::string> argv = {"sh", "-c", "cd \"$0\" && exec apt-get \"$@\"",
                                     dir.string()};
    if (::geteuid() == 0) argv.push_back("-oAPT::Sandbox::User=root");
    argv.push_back("download");
    argv.insert(argv.end(), wanted.begin(), wanted.end());
    MINI_ASSIGN_OR_RETURN(CommandOutput got, RunCommand(argv, std::chrono::minutes(10)));
    if (got.exit_code == 0) return gone;
    std::vector<std::string> rest;
    for (const std::string& w : wanted) {
      size_t eq = w.find('=');
      std::string phrase = fmt::format("version '{}' of '{}'", w.substr(eq + 1), w.substr(0, eq));
      if (got.output.find(phrase) != std::string::npos) {
        gone.insert(w);
      } else {
        rest.push_back(w);
      }
    }
    if (rest.size() == wanted.size()) {
      return Error(Code::kUnavailable, "apt-get download failed: {}", got.output)
          .WithAdvice("check that apt can reach its Debian mirror (sudo apt-get update)")
          .WithReason("GUEST_IMAGE_PACKAGES");
    }
    wanted = std::move(rest);
  }
  return gone;
}

}  // namespace

std::map<std::string, std::string> ParseDpkgOwners(const std::string& output) {
  std::map<std::string, std::string> owners;  // path -> package (name:arch or name)
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    size_t sep = line.rfind(": /");
    if (sep == std::string::npos || line.starts_with("diversion ") ||
        line.find(", ") < sep) {
      continue;  // not found, a diversion, or a directory several packages share
    }
    owners[line.substr(sep + 2)] = line.substr(0, sep);
  }
  return owners;
}

std::string DebFileName(const std::string& name, const std::string& version,
                        const std::string& arch) {
  std::string v;
  for (char c : version) v += c == ':' ? std::string("%3a") : std::string(1, c);
  return name + "_" + v + "_" + arch + ".deb";
}

Result<PackageFiles> PackageFiles::Fetch(const std::vector<fs::path>& files,
                                         const fs::path& debs_dir,
                                         const std::function<void(const std::string&)>& say) {
  std::vector<std::string> query = {"dpkg-query", "-S"};
  for (const fs::path& f : files) {
    for (const std::string& s : Spellings(f.string())) query.push_back(s);
  }
  MINI_ASSIGN_OR_RETURN(CommandOutput owned, RunCommand(query, std::chrono::minutes(1)));
  std::map<std::string, std::string> owners = ParseDpkgOwners(owned.output);

  PackageFiles pf;
  std::set<std::string> packages;
  for (const fs::path& f : files) {
    std::string package, inside;
    for (const std::string& s : Spellings(f.string())) {
      if (auto it = owners.find(s); it != owners.end() && package.empty()) {
        package = it->second;
        inside = s;
      }
    }
    pf.by_package_[package].files[inside.empty() ? f.string() : inside] = f;
    if (!package.empty()) packages.insert(package);
  }
  if (packages.empty()) return pf;

  std::vector<std::string> versions = {"dpkg-query", "-W",
                                       "-f=${binary:Package} ${Package} ${Version} ${Architecture}\\n"};
  versions.insert(versions.end(), packages.begin(), packages.end());
  MINI_ASSIGN_OR_RETURN(std::string listed, RunChecked(versions));
  // Versions the mirror was found not to have are not asked for again.
  fs::path unavailable_file = debs_dir / "unavailable";
  std::set<std::string> unavailable;
  if (auto known = ReadFile(unavailable_file); known.ok()) {
    std::istringstream in(*known);
    for (std::string line; std::getline(in, line);) unavailable.insert(line);
  }
  std::vector<std::string> missing;
  std::istringstream lines(listed);
  for (std::string id, name, version, arch; lines >> id >> name >> version >> arch;) {
    // dpkg -S names a package with its architecture only when it is Multi-Arch: same.
    std::string key = pf.by_package_.count(id) ? id : name;
    if (!pf.by_package_.count(key)) continue;
    pf.by_package_[key].deb = debs_dir / DebFileName(name, version, arch);
    pf.packages_.push_back(name + "=" + version);
    std::string wanted = name + ":" + arch + "=" + version;
    if (!fs::exists(pf.by_package_[key].deb) && !unavailable.count(wanted)) {
      missing.push_back(wanted);
    }
  }
  std::sort(pf.packages_.begin(), pf.packages_.end());
  if (!missing.empty()) {
    say(fmt::format("Downloading {} Debian packages for the guest ...", missing.size()));
    MINI_RETURN_IF_ERROR(MakeDirs(debs_dir, 0755));
    MINI_ASSIGN_OR_RETURN(std::set<std::string> gone, Download(debs_dir, missing));
    if (!gone.empty()) {
      // The mirror moved on (a security update replaced the installed version): those files
      // come from the host, as installed.
      spdlog::warn("the mirror no longer has {}; using the installed files",
                   fmt::join(gone, ", "));
      unavailable.insert(gone.begin(), gone.end());
      std::string text;
      for (const std::string& u : unavailable) text += u + "\n";
      MINI_RETURN_IF_ERROR(AtomicWriteFile(unavailable_file, text, 0644));
    }
  }
  for (auto it = pf.by_package_.begin(); it != pf.by_package_.end();) {
    if (it->first.empty() || fs::exists(it->second.deb)) {
      ++it;
      continue;
    }
    for (const auto& [inside, host] : it->second.files) pf.by_package_[""].files[host] = host;
    it = pf.by_package_.erase(it);
  }
  return pf;
}

Status PackageFiles::Read(const std::function<Status(const fs::path&, std::string)>& visit) const {
  for (const auto& [package, source] : by_package_) {
    if (package.empty()) {
      for (const auto& [inside, host] : source.files) {
        MINI_ASSIGN_OR_RETURN(std::string data, ReadFile(host));
        MINI_RETURN_IF_ERROR(visit(host, std::move(data)));
      }
      continue;
    }
    std::set<std::string> found;
    MINI_RETURN_IF_ERROR(ForEachDebFile(source.deb.string(), [&](const DebEntry& e, const auto& read) -> Status {
      auto it = source.files.find("/" + e.path);
      if (it == source.files.end() || e.is_dir || e.is_symlink) return Status::Ok();
      MINI_ASSIGN_OR_RETURN(std::string data, read());
      found.insert(it->first);
      return visit(it->second, std::move(data));
    }));
    if (found.size() != source.files.size()) {
      return Error(Code::kNotFound, "{} lacks files dpkg says it installed",
                   source.deb.filename().string());
    }
  }
  return Status::Ok();
}

std::vector<std::string> PackageFiles::Packages() const { return packages_; }

}  // namespace mini::vm::image
