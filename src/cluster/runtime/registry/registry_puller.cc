#include "cluster/runtime/registry/registry_puller.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cluster/runtime/image/manifest.h"
#include "cluster/runtime/registry/credentials.h"
#include "cluster/runtime/registry/registry_client.h"

namespace mini::cluster::runtime::registry {
namespace {

using image::Digest;
using image::ImageRecord;
using image::ImageStore;
using image::Ingestion;
using image::Reference;

// A manifest whose digest the reference pins must be exactly that document.
Status CheckPinned(const FetchedManifest& manifest, const Digest& pinned) {
  if (manifest.digest != pinned) {
    return Error(Code::kInvalidArgument, "the registry sent a manifest hashing to {}, not {}",
                 manifest.digest.String(), pinned.String());
  }
  return Status::Ok();
}

Status StoreSmall(Ingestion& ingestion, const FetchedManifest& manifest) {
  if (ingestion.Has(manifest.digest)) {
    return Status::Ok();
  }
  MINI_ASSIGN_OR_RETURN(
      image::BlobWriterPtr writer,
      ingestion.Blob(manifest.digest, static_cast<int64_t>(manifest.body.size())));
  MINI_RETURN_IF_ERROR(writer->Write(manifest.body));
  return writer->Commit().status();
}

Status StoreBlob(Ingestion& ingestion, RegistryClient& client, const image::Descriptor& blob) {
  if (ingestion.Has(blob.digest)) {
    return Status::Ok();
  }
  MINI_ASSIGN_OR_RETURN(image::BlobWriterPtr writer, ingestion.Blob(blob.digest, blob.size));
  MINI_RETURN_IF_ERROR(
      client.Blob(blob.digest, [&](std::string_view piece) { return writer->Write(piece); }));
  if (auto committed = writer->Commit(); !committed.ok()) {
    return committed.status().WithContext("blob {} from {} is corrupt", blob.digest.String(),
                                          client.endpoint().base.Authority());
  }
  return Status::Ok();
}

class RegistryPuller final : public image::Puller {
 public:
  explicit RegistryPuller(RegistryOptions options) : options_(std::move(options)) {}

  Result<ImageRecord> Pull(const Reference& ref, ImageStore& store,
                           const image::PullCredentials& credentials) override {
    MINI_ASSIGN_OR_RETURN(std::vector<Endpoint> endpoints, EndpointsFor(ref, options_));
    Status last;
    for (const Endpoint& endpoint : endpoints) {
      const image::RegistryCredential* credential =
          FindCredential(credentials, endpoint.mirror ? endpoint.base.Authority() : ref.domain);
      HttpOptions http;
      http.extra_ca = options_.extra_ca;
      RegistryClient client(endpoint, ref.path, credential, http);
      auto pulled = PullFrom(client, ref, store);
      if (pulled.ok()) {
        return pulled;
      }
      last = pulled.status();
      if (&endpoint != &endpoints.back()) {
        spdlog::info("pulling {} from {} failed, trying the next source: {}", ref.String(),
                     endpoint.base.String(), last.message());
      }
    }
    return last;
  }

 private:
  Result<ImageRecord> PullFrom(RegistryClient& client, const Reference& ref, ImageStore& store) {
    std::string what = fmt::format("{} from {}", ref.String(), client.endpoint().base.Authority());
    MINI_ASSIGN_OR_RETURN(FetchedManifest manifest,
                          client.Manifest(ref.digest.empty() ? ref.tag : ref.digest));
    if (!ref.digest.empty()) {
      MINI_ASSIGN_OR_RETURN(Digest pinned, Digest::Parse(ref.digest));
      MINI_RETURN_IF_ERROR(CheckPinned(manifest, pinned));
    }
    if (image::IsIndex(manifest.media_type)) {
      MINI_ASSIGN_OR_RETURN(image::ImageIndex index, image::ParseIndex(manifest.body, what));
      MINI_ASSIGN_OR_RETURN(image::Descriptor chosen, image::SelectPlatform(index, what));
      MINI_ASSIGN_OR_RETURN(manifest, client.Manifest(chosen.digest.String()));
      MINI_RETURN_IF_ERROR(CheckPinned(manifest, chosen.digest));
    }
    MINI_ASSIGN_OR_RETURN(image::Manifest parsed, image::ParseManifest(manifest.body, what));
    MINI_ASSIGN_OR_RETURN(image::IngestionPtr ingestion, store.BeginIngest());
    MINI_RETURN_IF_ERROR(StoreSmall(*ingestion, manifest));
    MINI_RETURN_IF_ERROR(StoreBlob(*ingestion, client, parsed.config));
    for (const image::Descriptor& layer : parsed.layers) {
      MINI_RETURN_IF_ERROR(StoreBlob(*ingestion, client, layer));
    }
    return ingestion->Commit(manifest.digest, {ref.String()});
  }

  RegistryOptions options_;
};

}  // namespace

image::PullerPtr NewRegistryPuller(RegistryOptions options) {
  return std::make_unique<RegistryPuller>(std::move(options));
}

}  // namespace mini::cluster::runtime::registry
