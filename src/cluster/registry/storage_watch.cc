// Watch: the store's key events become Kubernetes watch events, filtered by namespace and
// selectors the way the watch cache does it: an object that starts or stops matching arrives
// as ADDED or DELETED, so a client's view of "what matches" stays right.
#include <fmt/format.h>

#include <boost/json.hpp>

#include "cluster/api/meta/resource_version.h"
#include "cluster/registry/storage.h"

namespace mini::cluster::registry {
namespace json = boost::json;
namespace meta = mini::api::meta;

namespace {

class SelectingSink : public store::WatchSink {
 public:
  SelectingSink(const Storage& storage, ListOptions options,
                std::shared_ptr<WatchConsumer> consumer)
      : storage_(storage),
        options_(std::move(options)),
        consumer_(std::move(consumer)),
        pinned_name_(options_.fields.RequiresExactMatch("metadata.name")) {}

  void OnEvents(std::vector<store::Event> events) override {
    for (store::Event& event : events) Deliver(event);
  }

  void OnError(Status status) override {
    if (status.reason() == store::kReasonCompacted) {
      consumer_->OnError(
          Status(Code::kOutOfRange, "too old resource version: " + options_.resource_version)
              .WithReason("Expired"));
      return;
    }
    consumer_->OnError(status);
  }

 private:
  void Deliver(const store::Event& event) {
    using Type = WatchConsumer::EventType;
    // A watch of one name (as controllers keep one object per namespace) skips the others by
    // their key, the last part of which is the name, without decoding them: names never change.
    if (pinned_name_) {
      std::string_view key = event.kv.key;
      if (key.substr(key.rfind('/') + 1) != *pinned_name_) return;
    }
    std::optional<json::object> before;
    if (event.prev_kv) {
      auto decoded = storage_.Decode(*event.prev_kv);
      if (decoded.ok() && storage_.Selected(*decoded, options_)) before = std::move(*decoded);
    }
    if (event.type == store::Event::Type::kDelete) {
      if (!before) return;
      // A deleted object carries the revision of its deletion, as Kubernetes reports it.
      (*before)["metadata"].as_object()["resourceVersion"] =
          meta::FormatResourceVersion(event.kv.mod_revision);
      consumer_->OnEvent(Type::kDeleted, std::move(*before));
      return;
    }
    auto after = storage_.Decode(event.kv);
    if (!after.ok()) return;
    bool matches = storage_.Selected(*after, options_);
    if (matches) {
      consumer_->OnEvent(before ? Type::kModified : Type::kAdded, std::move(*after));
    } else if (before) {
      consumer_->OnEvent(Type::kDeleted, std::move(*after));
    }
  }

  const Storage& storage_;
  const ListOptions options_;
  std::shared_ptr<WatchConsumer> consumer_;
  const std::optional<std::string> pinned_name_;
};

}  // namespace

Result<store::WatchPtr> Storage::Watch(const std::string& name_space, const ListOptions& options,
                                       std::shared_ptr<WatchConsumer> consumer) {
  auto version = meta::ParseResourceVersion(options.resource_version);
  if (!version.ok()) return BadRequestError(version.status().message());
  int64_t from = 0;
  if (version->kind == meta::ResourceVersion::Kind::kRevision) {
    from = version->revision + 1;
  } else {
    // No starting point: the current state first, then every change after it.
    ListOptions list = options;
    list.limit = 0;
    list.continue_token.clear();
    list.resource_version.clear();
    MINI_ASSIGN_OR_RETURN(ListResult current, List(name_space, list));
    for (json::object& object : current.items) {
      consumer->OnEvent(WatchConsumer::EventType::kAdded, std::move(object));
    }
    from = current.revision + 1;
  }
  auto sink = std::make_shared<SelectingSink>(*this, options, std::move(consumer));
  auto watch = backend_.Watch(Prefix(name_space), true, from, sink);
  if (!watch.ok()) {
    if (watch.status().reason() == store::kReasonCompacted) {
      return ExpiredError(fmt::format("too old resource version: {}", options.resource_version));
    }
    if (watch.status().reason() == store::kReasonFutureRevision) {
      return Status(Code::kDeadlineExceeded,
                    fmt::format("Too large resource version: {}", options.resource_version))
          .WithReason("Timeout");
    }
    return InternalError(watch.status());
  }
  return watch;
}

}  // namespace mini::cluster::registry
