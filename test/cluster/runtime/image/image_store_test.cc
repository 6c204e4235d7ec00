#include "cluster/runtime/image/image_store.h"
#include "cluster/runtime/image/init_layer.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <thread>

#include "common/files.h"
#include "test/cluster/runtime/image/fixtures.h"
#include "test/temp_dir.h"

namespace mini::cluster::runtime::image {
namespace fs = std::filesystem;
using testing::Compression;
using testing::TarBuilder;
using testing::TestImage;

namespace {

TestImage Busybox() {
  return {{"mini-test/busybox:1"},
          {TarBuilder()
               .Dir("bin")
               .File("bin/busybox", "elf", 0755)
               .Symlink("bin/sh", "busybox")
               .Build(),
           TarBuilder().Dir("etc").File("etc/passwd", "root:x:0:0::/:/bin/sh\n").Build()}};
}

TestImage Echo() {
  TestImage echo = Busybox();
  echo.names = {"mini-test/echo:1"};
  echo.layers.push_back(TarBuilder().File("bin/echo-server", "#!/bin/sh\n", 0755).Build());
  echo.cmd = {"/bin/echo-server"};
  return echo;
}

size_t Count(const fs::path& dir) {
  size_t n = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    ++n;
  }
  return n;
}

struct Fixture {
  mini::testing::TempDir dir;
  ImageStorePtr store = OpenImageStore(dir / "store").value();

  fs::path Docker(const std::vector<TestImage>& images, const std::string& name = "d.tar") {
    testing::WriteDockerArchive(dir / name, images);
    return dir / name;
  }
  fs::path Oci(const std::vector<TestImage>& images, Compression c = Compression::kGzip,
               const std::string& name = "o.tar") {
    testing::WriteOciArchive(dir / name, images, c);
    return dir / name;
  }
};

}  // namespace

TEST_SUITE("runtime/image/store") {
  TEST_CASE("a docker-archive loads with its tags, layers and config") {
    Fixture f;
    auto loaded = f.store->Load(f.Docker({Busybox()}));
    REQUIRE(loaded.ok());
    REQUIRE(loaded->size() == 1);
    const ImageRecord& image = loaded->front();
    CHECK(image.names == std::vector<std::string>{"docker.io/mini-test/busybox:1"});
    CHECK(image.id.hex() == testing::Sha256Hex(testing::ConfigOf(Busybox())));
    REQUIRE(image.layers.size() == 2);
    CHECK(image.layers[0].diff_id.hex() == testing::Sha256Hex(Busybox().layers[0]));
    CHECK(image.layers[0].media_type == "application/vnd.oci.image.layer.v1.tar");
    CHECK(image.created == "2024-01-01T00:00:00Z");
    CHECK(image.size > 0);

    auto got = f.store->Get("mini-test/busybox:1");
    REQUIRE(got.ok());
    CHECK(got->id == image.id);
    CHECK(f.store->Get(image.id.hex().substr(0, 12))->id == image.id);
    CHECK(f.store->Get(image.id.String())->id == image.id);
    CHECK(f.store->Get("mini-test/busybox:2").status().code() == Code::kNotFound);

    auto dirs = f.store->LowerDirs(image);
    REQUIRE(dirs.ok());
    REQUIRE(dirs->size() == 2);
    CHECK(fs::exists((*dirs)[0] / "etc/passwd"));  // top first
    CHECK(fs::exists((*dirs)[1] / "bin/busybox"));
    auto config = f.store->Config(image);
    REQUIRE(config.ok());
    CHECK(config->cmd == std::vector<std::string>{"/bin/sh"});
    CHECK(config->env == std::vector<std::string>{"PATH=/bin"});
  }

  TEST_CASE("an OCI layout loads whatever its layers' compression") {
    Compression c = Compression::kGzip;
    SUBCASE("gzip") { c = Compression::kGzip; }
    SUBCASE("zstd") { c = Compression::kZstd; }
    SUBCASE("plain") { c = Compression::kNone; }
    Fixture f;
    auto loaded = f.store->Load(f.Oci({Busybox(), Echo()}, c));
    REQUIRE(loaded.ok());
    REQUIRE(loaded->size() == 2);
    CHECK((*loaded)[1].names == std::vector<std::string>{"docker.io/mini-test/echo:1"});
    CHECK(f.store->List()->size() == 2);
    // The two images share their first two layers: one tree each, not two.
    CHECK(Count(f.dir / "store/layers") == 3);
    CHECK(Count(f.dir / "store/ingest") == 0);
    CHECK(Count(f.dir / "store/staging") == 0);
  }

  TEST_CASE("the same image from either format is one image") {
    Fixture f;
    REQUIRE(f.store->Load(f.Oci({Busybox()})).ok());
    TestImage renamed = Busybox();
    renamed.names = {"busybox:docker"};
    REQUIRE(f.store->Load(f.Docker({renamed})).ok());
    auto images = f.store->List().value();
    REQUIRE(images.size() == 1);
    CHECK(images[0].names == std::vector<std::string>{"docker.io/mini-test/busybox:1",
                                                      "docker.io/library/busybox:docker"});
  }

  TEST_CASE("a name moves to the image loaded last, leaving the old one dangling") {
    Fixture f;
    REQUIRE(f.store->Load(f.Docker({Busybox()})).ok());
    TestImage next = Echo();
    next.names = {"mini-test/busybox:1"};
    REQUIRE(f.store->Load(f.Docker({next}, "next.tar")).ok());
    auto images = f.store->List().value();
    REQUIRE(images.size() == 2);
    CHECK(images[0].names.empty());
    CHECK(f.store->Get("mini-test/busybox:1")->id == images[1].id);
  }

  TEST_CASE("archives that are not images, or lie about content, load nothing") {
    Fixture f;
    SUBCASE("missing file") {
      CHECK(f.store->Load(f.dir / "nope.tar").status().code() == Code::kNotFound);
    }
    SUBCASE("not a tar") {
      testing::WriteFile(f.dir / "x.tar", "just text, not an archive at all");
      CHECK(f.store->Load(f.dir / "x.tar").status().code() == Code::kInvalidArgument);
    }
    SUBCASE("a tar without image metadata") {
      testing::WriteFile(f.dir / "x.tar", TarBuilder().File("hello.txt", "hi").Build());
      auto r = f.store->Load(f.dir / "x.tar");
      CHECK(r.status().code() == Code::kInvalidArgument);
      CHECK(r.status().message().find("not an image archive") != std::string::npos);
    }
    SUBCASE("a blob whose name is not its digest") {
      std::string fake = "blobs/sha256/" + testing::Sha256Hex("other");
      testing::WriteFile(f.dir / "x.tar", TarBuilder()
                                              .File("oci-layout", "{}")
                                              .File(fake, "content")
                                              .File("index.json", R"({"manifests":[]})")
                                              .Build());
      auto r = f.store->Load(f.dir / "x.tar");
      CHECK(r.status().code() == Code::kInvalidArgument);
      CHECK(r.status().message().find("does not match") != std::string::npos);
    }
    SUBCASE("a layer whose content is not the config's diffID") {
      TestImage lying = Busybox();
      std::string config = testing::ConfigOf(lying);
      lying.layers[1] = TarBuilder().File("etc/shadow", "x").Build();
      // Rebuild the archive with the original config but a different layer.
      TarBuilder tar;
      tar.File(testing::Sha256Hex(config) + ".json", config)
          .File("1/layer.tar", lying.layers[0])
          .File("2/layer.tar", lying.layers[1])
          .File("manifest.json",
                R"([{"Config":")" + testing::Sha256Hex(config) +
                    R"(.json","RepoTags":["liar:1"],"Layers":["1/layer.tar","2/layer.tar"]}])");
      testing::WriteFile(f.dir / "x.tar", tar.Build());
      auto r = f.store->Load(f.dir / "x.tar");
      CHECK(r.status().code() == Code::kInvalidArgument);
      CHECK(r.status().message().find("unpacks to content") != std::string::npos);
    }
    SUBCASE("manifest.json names a layer the archive lacks") {
      std::string config = testing::ConfigOf(Busybox());
      testing::WriteFile(f.dir / "x.tar",
                         TarBuilder()
                             .File(testing::Sha256Hex(config) + ".json", config)
                             .File("manifest.json", R"([{"Config":")" + testing::Sha256Hex(config) +
                                                        R"(.json","Layers":["9/layer.tar"]}])")
                             .Build());
      CHECK(f.store->Load(f.dir / "x.tar").status().message().find("lacks") != std::string::npos);
    }
    CHECK(f.store->List()->empty());
    CHECK(Count(f.dir / "store/blobs/sha256") == 0);
    CHECK(Count(f.dir / "store/layers") == 0);
    CHECK(Count(f.dir / "store/staging") == 0);
  }

  TEST_CASE("rm untags a name of several, deletes the last, and sweeps the content") {
    Fixture f;
    REQUIRE(f.store->Load(f.Oci({Busybox()})).ok());
    TestImage other = Busybox();
    other.names = {"busybox:other"};
    REQUIRE(f.store->Load(f.Docker({other})).ok());
    auto id = f.store->Get("busybox:other")->id;
    auto mounter = NewSystemMounter();
    InitLayers init(InitLayersRoot(f.dir / "store"), {{"/etc/hosts", false}}, *mounter);
    auto init_layer = init.Ensure(id, f.store->LowerDirs(*f.store->Get(id.String())).value());
    REQUIRE(init_layer.ok());
    CHECK(f.store->Remove(id.hex().substr(0, 8), false).status().code() ==
          Code::kFailedPrecondition);
    auto untag = f.store->Remove("busybox:other", false);
    REQUIRE(untag.ok());
    CHECK_FALSE(untag->deleted);
    CHECK(untag->untagged == std::vector<std::string>{"docker.io/library/busybox:other"});
    auto gone = f.store->Remove("mini-test/busybox:1", false);
    REQUIRE(gone.ok());
    CHECK(gone->deleted);
    CHECK(f.store->List()->empty());
    CHECK(Count(f.dir / "store/blobs/sha256") == 0);
    CHECK(Count(f.dir / "store/layers") == 0);
    CHECK_FALSE(fs::exists(*init_layer));  // the init layer goes with its image
    CHECK(f.store->Remove("mini-test/busybox:1", false).status().code() == Code::kNotFound);
  }

  TEST_CASE("an image in use is kept from rm and GC until released, and force only untags it") {
    Fixture f;
    REQUIRE(f.store->Load(f.Docker({Busybox()})).ok());
    REQUIRE(f.store->Acquire("mini-test/busybox:1", "container-a").ok());
    auto refused = f.store->Remove("mini-test/busybox:1", false);
    CHECK(refused.status().code() == Code::kFailedPrecondition);
    CHECK(refused.status().message().find("in use") != std::string::npos);
    auto forced = f.store->Remove("mini-test/busybox:1", true);
    REQUIRE(forced.ok());
    CHECK_FALSE(forced->deleted);
    auto images = f.store->List().value();
    REQUIRE(images.size() == 1);
    CHECK(images[0].names.empty());
    CHECK(f.store->LowerDirs(images[0]).ok());
    REQUIRE(f.store->GarbageCollect({}).ok());
    CHECK(f.store->List()->size() == 1);
    REQUIRE(f.store->Release("container-a").ok());
    auto report = f.store->GarbageCollect({});
    REQUIRE(report.ok());
    CHECK(report->images.size() == 1);
    CHECK(report->layers_removed == 2);
    CHECK(report->blobs_removed == 4);  // manifest, config, two layers
    CHECK(Count(f.dir / "store/layers") == 0);
  }

  TEST_CASE("users live beside the records: a reopened store sees them, images.json never") {
    Fixture f;
    REQUIRE(f.store->Load(f.Docker({Busybox()})).ok());
    auto acquired = f.store->Acquire("mini-test/busybox:1", "container-a");
    REQUIRE(acquired.ok());
    CHECK(acquired->users == std::vector<std::string>{"container-a"});
    CHECK(ReadFile(f.dir / "store/images.json")->find("container-a") == std::string::npos);
    auto reopened = OpenImageStore(f.dir / "store").value();
    CHECK(reopened->Get("mini-test/busybox:1")->users == std::vector<std::string>{"container-a"});
    CHECK(f.store->Acquire("mini-test/busybox:1", "../escape").status().code() ==
          Code::kInvalidArgument);
    REQUIRE(reopened->Release("container-a").ok());
    CHECK(f.store->Get("mini-test/busybox:1")->users.empty());
    CHECK(f.store->Release("never-acquired").ok());
  }

  TEST_CASE("GC keeps what it is told to keep and what containers use") {
    Fixture f;
    REQUIRE(f.store->Load(f.Oci({Busybox(), Echo()})).ok());
    TestImage third = Busybox();
    third.names = {"third:1"};
    third.layers = {TarBuilder().File("only", "3").Build()};
    REQUIRE(f.store->Load(f.Docker({third})).ok());
    REQUIRE(f.store->Acquire("third:1", "c1").ok());
    auto report = f.store->GarbageCollect({"mini-test/echo:1"});
    REQUIRE(report.ok());
    CHECK(report->images.size() == 1);  // busybox
    auto left = f.store->List().value();
    CHECK(left.size() == 2);
    CHECK(report->layers_removed == 0);  // echo still holds busybox's layers
    CHECK(Count(f.dir / "store/layers") == 4);
  }

  TEST_CASE("concurrent loads of the same and different archives all land") {
    Fixture f;
    fs::path a = f.Oci({Busybox()}, Compression::kGzip, "a.tar");
    fs::path b = f.Docker({Echo()}, "b.tar");
    std::vector<std::thread> threads;
    std::vector<Status> results(8);
    for (size_t i = 0; i < results.size(); ++i) {
      threads.emplace_back([&, i] {
        auto store = OpenImageStore(f.dir / "store").value();  // as separate processes would
        results[i] = store->Load(i % 2 == 0 ? a : b).status();
      });
    }
    for (auto& t : threads) {
      t.join();
    }
    for (const auto& s : results) {
      CHECK(s.ok());
    }
    auto images = f.store->List().value();
    CHECK(images.size() == 2);
    CHECK(Count(f.dir / "store/layers") == 3);
    REQUIRE(f.store->GarbageCollect({"mini-test/busybox:1", "mini-test/echo:1"}).ok());
    for (const auto& image : images) {
      CHECK(f.store->LowerDirs(image).ok());
    }
  }
}

}  // namespace mini::cluster::runtime::image
