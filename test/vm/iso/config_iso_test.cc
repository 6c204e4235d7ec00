#include "vm/iso/config_iso.h"

#include <archive.h>
#include <archive_entry.h>
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>
#include <map>

#include "common/files.h"
#include "test/temp_dir.h"

namespace mini::vm::iso {
namespace {

struct ReadBack {
  std::string label;
  std::map<std::string, std::string> files;
};

// The volume as a reader other than the writer sees it: libarchive's ISO 9660 reader for the
// names and contents, the primary volume descriptor (sector 16) for the label.
ReadBack Read(const std::filesystem::path& iso) {
  ReadBack got;
  std::ifstream in(iso, std::ios::binary);
  std::string pvd(2048, '\0');
  in.seekg(16 * 2048);
  in.read(pvd.data(), 2048);
  if (pvd.substr(1, 5) == "CD001") {
    got.label = pvd.substr(40, 32);
    got.label.erase(got.label.find_last_not_of(' ') + 1);
  }
  archive* a = archive_read_new();
  archive_read_support_format_iso9660(a);
  REQUIRE(archive_read_open_filename(a, iso.c_str(), 10240) == ARCHIVE_OK);
  archive_entry* e = nullptr;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    if (archive_entry_filetype(e) != AE_IFREG) continue;
    std::string data(static_cast<size_t>(archive_entry_size(e)), '\0');
    if (!data.empty()) archive_read_data(a, data.data(), data.size());
    got.files[archive_entry_pathname(e)] = data;
  }
  archive_read_free(a);
  return got;
}

}  // namespace

TEST_SUITE("vm/iso") {
  TEST_CASE("the config ISO holds the files under their own names, labelled MINI_CONFIG") {
    testing::TempDir dir;
    REQUIRE(AtomicWriteFile(dir / "args.src", "--secure-port=8443\n--node-name=n1\n", 0600).ok());
    REQUIRE(AtomicWriteFile(dir / "key.src", "-----BEGIN PRIVATE KEY-----\nx\n", 0600).ok());
    REQUIRE(AtomicWriteFile(dir / "empty.src", "", 0600).ok());
    std::filesystem::path iso = dir / "out" / "config.iso";
    Status s = WriteConfigIso(iso, {{"args", dir / "args.src"},
                                    {"apiserver.key", dir / "key.src"},
                                    {"mounts", dir / "empty.src"}});
    REQUIRE_MESSAGE(s.ok(), s.message());
    ReadBack got = Read(iso);
    CHECK(got.label == "MINI_CONFIG");
    CHECK(got.files.size() == 3);
    CHECK(got.files["args"] == "--secure-port=8443\n--node-name=n1\n");
    CHECK(got.files["apiserver.key"] == "-----BEGIN PRIVATE KEY-----\nx\n");
    CHECK(got.files.count("mounts") == 1);
    CHECK(got.files["mounts"].empty());
    struct stat st{};
    REQUIRE(::stat(iso.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(!std::filesystem::exists(iso.string() + ".tmp"));
  }

  TEST_CASE("writing again replaces the volume with the new contents") {
    testing::TempDir dir;
    REQUIRE(AtomicWriteFile(dir / "h", "old\n", 0600).ok());
    REQUIRE(WriteConfigIso(dir / "c.iso", {{"hostname", dir / "h"}}).ok());
    REQUIRE(AtomicWriteFile(dir / "h", "new\n", 0600).ok());
    REQUIRE(AtomicWriteFile(dir / "n", "dhcp\n", 0600).ok());
    REQUIRE(WriteConfigIso(dir / "c.iso", {{"hostname", dir / "h"}, {"network", dir / "n"}}).ok());
    ReadBack got = Read(dir / "c.iso");
    CHECK(got.files["hostname"] == "new\n");
    CHECK(got.files["network"] == "dhcp\n");
  }

  TEST_CASE("bad names and missing sources are refused, leaving the old volume") {
    testing::TempDir dir;
    REQUIRE(AtomicWriteFile(dir / "h", "x\n", 0600).ok());
    REQUIRE(WriteConfigIso(dir / "c.iso", {{"hostname", dir / "h"}}).ok());
    Status nested = WriteConfigIso(dir / "c.iso", {{"a/b", dir / "h"}});
    CHECK(nested.code() == Code::kInvalidArgument);
    CHECK(nested.message().find("a/b") != std::string::npos);
    CHECK(WriteConfigIso(dir / "c.iso", {{"", dir / "h"}}).code() == Code::kInvalidArgument);
    CHECK(WriteConfigIso(dir / "c.iso", {{"h", dir / "h"}, {"h", dir / "h"}}).code() ==
          Code::kInvalidArgument);
    Status missing = WriteConfigIso(dir / "c.iso", {{"ca.crt", dir / "absent"}});
    CHECK(!missing.ok());
    CHECK(missing.message().find("ca.crt") != std::string::npos);
    CHECK(Read(dir / "c.iso").files["hostname"] == "x\n");
    CHECK(!std::filesystem::exists(dir / "c.iso.tmp"));
  }
}

}  // namespace mini::vm::iso
