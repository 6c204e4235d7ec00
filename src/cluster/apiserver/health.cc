#include "cluster/apiserver/health.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>

namespace mini::cluster::apiserver {
namespace {

constexpr std::string_view kEndpoints[] = {"healthz", "livez", "readyz"};

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

Response Report(std::string_view endpoint, const std::vector<HealthChecks::Outcome>& outcomes,
                const Request& request) {
  const std::vector<std::string> excluded = request.query.GetAll("exclude");
  bool failed = false;
  std::string list;
  for (const auto& outcome : outcomes) {
    if (Contains(excluded, outcome.name)) {
      list += fmt::format("[+]{} excluded: ok\n", outcome.name);
    } else if (outcome.status.ok()) {
      list += fmt::format("[+]{} ok\n", outcome.name);
    } else {
      failed = true;
      list += fmt::format("[-]{} failed: {}\n", outcome.name, outcome.status.message());
    }
  }
  if (failed) {
    spdlog::debug("{} check failed:\n{}", endpoint, list);
    return TextResponse(500, list + fmt::format("{} check failed\n", endpoint));
  }
  if (!request.query.Has("verbose")) {
    return TextResponse(200, "ok");
  }
  return TextResponse(200, list + fmt::format("{} check passed\n", endpoint));
}

Response ReportOne(std::string_view name, const std::vector<HealthChecks::Outcome>& outcomes) {
  for (const auto& outcome : outcomes) {
    if (outcome.name == name) {
      return outcome.status.ok() ? TextResponse(200, "ok")
                                 : TextResponse(500, fmt::format("internal server error: {}\n",
                                                                 outcome.status.message()));
    }
  }
  return TextResponse(404, "404 page not found\n");
}

}  // namespace

HealthChecks::HealthChecks() {
  Add("ping", Probe::kLiveness, [] { return Status::Ok(); });
  Add("log", Probe::kLiveness, [] { return Status::Ok(); });
}

void HealthChecks::Add(const std::string& name, Probe probe, Check check) {
  std::lock_guard lock(mu_);
  for (Entry& entry : entries_) {
    if (entry.name == name) {
      entry.probe = probe;
      entry.check = std::move(check);
      return;
    }
  }
  entries_.push_back(Entry{name, probe, std::move(check)});
}

std::vector<HealthChecks::Outcome> HealthChecks::Run(std::string_view endpoint) const {
  std::vector<Entry> entries;
  {
    // Run the checks unlocked: a slow check must not block Add from another component.
    std::lock_guard lock(mu_);
    entries = entries_;
  }
  std::vector<Outcome> outcomes;
  for (const Entry& entry : entries) {
    if (endpoint == "livez" && entry.probe != Probe::kLiveness) {
      continue;
    }
    Status status;
    try {
      status = entry.check();
    } catch (const std::exception& e) {
      status = Error(Code::kInternal, "check threw: {}", e.what());
    }
    outcomes.push_back(Outcome{entry.name, std::move(status)});
  }
  return outcomes;
}

void InstallHealthHandlers(Router& router, const HealthChecks& checks) {
  for (std::string_view endpoint : kEndpoints) {
    std::string path = fmt::format("/{}", endpoint);
    router.Handle(
        "GET", path,
        [&checks, endpoint](const Request& request) {
          return Report(endpoint, checks.Run(endpoint), request);
        },
        Access::kPublic);
    router.HandlePrefix(
        "GET", path + "/",
        [&checks, endpoint, prefix = path.size() + 1](const Request& request) {
          return ReportOne(std::string_view(request.path).substr(prefix), checks.Run(endpoint));
        },
        Access::kPublic);
  }
}

}  // namespace mini::cluster::apiserver
