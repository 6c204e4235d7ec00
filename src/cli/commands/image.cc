// `mini image load|ls|rm`: the images in the node's store, as minikube's `image` commands
// manage them. The store is the one the node's kubelet runs containers from:
// <data-dir>/images of the profile's machine.
#include <algorithm>
#include <boost/json.hpp>
#include <iostream>

#include "cli/commands/commands.h"
#include "cli/table.h"
#include "cluster/kubelet/run_dir.h"
#include "cluster/runtime/image/image_store.h"
#include "cluster/runtime/image/reference.h"
#include "common/json.h"

namespace mini::cli {
namespace img = cluster::runtime::image;
namespace json = boost::json;
namespace {

// The node's data directory when run on the node itself (a VM driver's guest, where the host
// runs these commands through ssh).
std::string& NodeDataDir() {
  static std::string dir;
  return dir;
}

// The native driver runs the control plane with --data-dir=<machine dir>/data.
Result<std::filesystem::path> NodeData(const Globals& globals) {
  if (!NodeDataDir().empty()) return std::filesystem::path(NodeDataDir());
  MINI_ASSIGN_OR_RETURN(std::string profile, ResolveProfile(globals));
  MINI_ASSIGN_OR_RETURN(vm::Home home, vm::Home::FromEnvironment());
  MINI_ASSIGN_OR_RETURN(vm::ClusterConfig config, vm::LoadProfile(home, profile));
  return home.MachineDir(profile) / "data";
}

// Listing or removing never creates a store that loading has not.
Result<img::ImageStorePtr> OpenStore(const Globals& globals, bool create) {
  MINI_ASSIGN_OR_RETURN(std::filesystem::path data, NodeData(globals));
  const std::filesystem::path root = img::ImageStoreRoot(data);
  std::error_code ec;
  if (!create && !std::filesystem::exists(root, ec)) {
    return img::ImageStorePtr();
  }
  // The node's record of which containers use an image, so rm refuses those.
  return img::OpenImageStore(root, {.users_dir = cluster::kubelet::ImageUsersDir(data)});
}

struct Advice {
  Code code;
  const char* text;
};

// Gives a failure its reason ID and, for the codes listed, what to do about it.
Status Explain(Status s, const char* reason, std::initializer_list<Advice> advice) {
  if (s.ok() || !s.reason().empty()) {
    return s;
  }
  for (const auto& a : advice) {
    if (a.code == s.code() && s.advice().empty()) {
      s = s.WithAdvice(a.text);
    }
  }
  return s.WithReason(reason);
}

Status RunLoad(const std::vector<std::string>& files, const Globals& globals) {
  MINI_ASSIGN_OR_RETURN(img::ImageStorePtr store, OpenStore(globals, true));
  for (const auto& file : files) {
    MINI_ASSIGN_OR_RETURN(std::vector<img::ImageRecord> images, store->Load(file));
    for (const auto& image : images) {
      if (image.names.empty()) {
        Say("Loaded image ID: " + image.id.String());
      }
      for (const auto& name : image.names) {
        Say("Loaded image: " + name);
      }
    }
  }
  return Status::Ok();
}

Status RunRemove(const std::vector<std::string>& refs, bool force, const Globals& globals) {
  MINI_ASSIGN_OR_RETURN(img::ImageStorePtr store, OpenStore(globals, false));
  for (const auto& ref : refs) {
    if (store == nullptr) {
      return Error(Code::kNotFound, "no image \"{}\"", ref);
    }
    MINI_ASSIGN_OR_RETURN(img::RemoveResult removed, store->Remove(ref, force));
    for (const auto& name : removed.untagged) {
      Say("Untagged: " + name);
    }
    if (removed.deleted) {
      Say("Deleted: " + removed.id.String());
    }
  }
  return Status::Ok();
}

std::string HumanSize(double bytes);

// Every image no container uses, and the content only they held, as `docker image prune -a`.
Status RunPrune(const Globals& globals) {
  MINI_ASSIGN_OR_RETURN(img::ImageStorePtr store, OpenStore(globals, false));
  if (store == nullptr) {
    Say("Total reclaimed space: 0B");
    return Status::Ok();
  }
  MINI_ASSIGN_OR_RETURN(img::GcReport report, store->GarbageCollect({}));
  for (const auto& id : report.images) {
    Say("Deleted: " + id.String());
  }
  Say("Total reclaimed space: " + HumanSize(static_cast<double>(report.bytes_freed)));
  return Status::Ok();
}

// Decimal units with four significant digits, as Docker and minikube print sizes.
std::string HumanSize(double bytes) {
  static constexpr const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  size_t unit = 0;
  while (bytes >= 1000 && unit + 1 < std::size(kUnits)) {
    bytes /= 1000;
    ++unit;
  }
  return fmt::format("{:.4g}{}", bytes, kUnits[unit]);
}

std::vector<Row> TableRows(const std::vector<img::ImageRecord>& images) {
  std::vector<Row> rows;
  for (const auto& image : images) {
    std::string id = image.id.hex().substr(0, 13);
    std::string size = HumanSize(static_cast<double>(image.size));
    if (image.names.empty()) {
      rows.push_back({"<none>", "<none>", id, size});
    }
    for (const auto& name : image.names) {
      auto ref = img::ParseReference(name);
      rows.push_back({ref.ok() ? ref->Name() : name,
                      ref.ok() && !ref->tag.empty() ? ref->tag : "<none>", id, size});
    }
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

json::array JsonList(const std::vector<img::ImageRecord>& images) {
  json::array out;
  for (const auto& image : images) {
    json::array tags;
    for (const auto& name : image.names) {
      tags.emplace_back(name);
    }
    out.push_back(json::object{{"id", image.id.hex()},
                               {"repoDigests", json::array()},
                               {"repoTags", std::move(tags)},
                               {"size", std::to_string(image.size)}});
  }
  return out;
}

Status RunList(std::string format, const std::string& output, const Globals& globals) {
  MINI_ASSIGN_OR_RETURN(img::ImageStorePtr store, OpenStore(globals, false));
  std::vector<img::ImageRecord> images;
  if (store != nullptr) {
    MINI_ASSIGN_OR_RETURN(images, store->List());
  }
  if (output == "json") {
    format = "json";
  }
  if (format == "json") {
    std::cout << PrettyJson(JsonList(images));
  } else if (format == "short") {
    std::vector<std::string> names;
    for (const auto& image : images) {
      names.insert(names.end(), image.names.begin(), image.names.end());
    }
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
      std::cout << name << "\n";
    }
  } else {
    std::cout << RenderTable({"IMAGE", "TAG", "IMAGE ID", "SIZE"}, TableRows(images));
  }
  return Status::Ok();
}

struct ImageOptions {
  std::vector<std::string> args;
  std::string format = "table";
  std::string output;
  bool force = false;
};

}  // namespace

void SetUpImage(CLI::App& app, Globals& globals) {
  auto o = std::make_shared<ImageOptions>();
  auto* cmd = app.add_subcommand("image", "Manage the images of the cluster's node");
  cmd->require_subcommand(1);
  cmd->add_option("--data-dir", NodeDataDir(), "The node's data directory, on the node itself")
      ->group("");
  cmd->fallthrough();
  // On a VM driver the command runs in the machine; `args` is what it is there.
  auto in_guest = [&globals](std::vector<std::string> args,
                             const std::vector<std::string>& files) -> Result<bool> {
    if (!NodeDataDir().empty()) return false;
    return RunImageCommandInGuest(globals, std::move(args), files);
  };

  auto* load = cmd->add_subcommand("load", "Load images from archives (docker save, OCI layout)");
  load->add_option("file", o->args, "Image archive (.tar, may be compressed)")->required();
  load->callback([o, &globals, in_guest] {
    auto guest = in_guest({"load"}, o->args);
    globals.status =
        Explain(!guest.ok() ? guest.status() : *guest ? Status::Ok() : RunLoad(o->args, globals),
                "GUEST_IMAGE_LOAD",
                {{Code::kNotFound, "check the archive's path"},
                 {Code::kInvalidArgument,
                  "give a tar written by \"docker save\" or an OCI image layout archive, such as "
                  "\"skopeo copy ... oci-archive:FILE.tar\" writes"}});
  });

  auto* ls = cmd->add_subcommand("ls", "List the images on the node");
  ls->alias("list");
  ls->add_option("--format", o->format, "Output format: short, table or json")
      ->check(CLI::IsMember({"short", "table", "json"}))
      ->default_val("table");
  AddOutputFlag(*ls, o->output);
  ls->callback([o, &globals, in_guest] {
    std::vector<std::string> args = {"ls", "--format", o->format};
    if (!o->output.empty()) args.insert(args.end(), {"--output", o->output});
    auto guest = in_guest(args, {});
    globals.status = Explain(!guest.ok()  ? guest.status()
                             : *guest     ? Status::Ok()
                                          : RunList(o->format, o->output, globals),
                             "GUEST_IMAGE_LIST", {});
  });

  auto* prune = cmd->add_subcommand("prune", "Remove every image no container uses");
  prune->callback([&globals, in_guest] {
    auto guest = in_guest({"prune"}, {});
    globals.status = Explain(!guest.ok() ? guest.status() : *guest ? Status::Ok() : RunPrune(globals),
                             "GUEST_IMAGE_PRUNE",
                             {{Code::kDeadlineExceeded, "retry once the images being loaded are in"}});
  });

  auto* rm = cmd->add_subcommand("rm", "Remove images from the node");
  rm->add_option("image", o->args, "Image name, ID or ID prefix")->required();
  rm->add_flag("-f,--force", o->force, "Remove images that containers use (they only lose names)");
  rm->callback([o, &globals, in_guest] {
    std::vector<std::string> args = {"rm"};
    if (o->force) args.push_back("--force");
    args.insert(args.end(), o->args.begin(), o->args.end());
    auto guest = in_guest(args, {});
    globals.status = Explain(!guest.ok()  ? guest.status()
                             : *guest     ? Status::Ok()
                                          : RunRemove(o->args, o->force, globals),
                             "GUEST_IMAGE_REMOVE",
                             {{Code::kNotFound, "see the images with \"mini image ls\""}});
  });
}

}  // namespace mini::cli
