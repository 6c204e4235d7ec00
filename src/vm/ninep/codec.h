// The 9P2000.L wire format: message numbers, the little-endian reader and writer that every
// message is built from, and the qid. Decoding never reads past the message: a field that
// does not fit marks the reader bad, and the caller drops the connection.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mini::vm::ninep {

/// Message types; a reply is its request's number plus one.
enum Type : uint8_t {
  kTlerror = 6,
  kRlerror = 7,
  kTstatfs = 8,
  kTlopen = 12,
  kTlcreate = 14,
  kTsymlink = 16,
  kTmknod = 18,
  kTrename = 20,
  kTreadlink = 22,
  kTgetattr = 24,
  kTsetattr = 26,
  kTxattrwalk = 30,
  kTxattrcreate = 32,
  kTreaddir = 40,
  kTfsync = 50,
  kTlock = 52,
  kTgetlock = 54,
  kTlink = 70,
  kTmkdir = 72,
  kTrenameat = 74,
  kTunlinkat = 76,
  kTversion = 100,
  kTauth = 102,
  kTattach = 104,
  kTflush = 108,
  kTwalk = 110,
  kTread = 116,
  kTwrite = 118,
  kTclunk = 120,
  kTremove = 122,
};

inline constexpr uint32_t kNoFid = 0xffffffff;
inline constexpr uint16_t kNoTag = 0xffff;
/// size[4] type[1] tag[2]
inline constexpr uint32_t kHeaderSize = 7;
/// What Rread and Rwrite add to their data: header and count[4].
inline constexpr uint32_t kIoHeaderSize = kHeaderSize + 4;
inline constexpr uint16_t kMaxWalkNames = 16;

inline constexpr uint8_t kQidDir = 0x80;
inline constexpr uint8_t kQidSymlink = 0x02;
inline constexpr uint8_t kQidFile = 0x00;

struct Qid {
  uint8_t type = kQidFile;
  uint32_t version = 0;
  uint64_t path = 0;
  bool operator==(const Qid&) const = default;
};
inline constexpr uint32_t kQidSize = 13;

/// Reads fields in order from one message body; after a short read every later field is zero
/// and ok() is false.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}

  uint8_t U8() { return static_cast<uint8_t>(Le(1)); }
  uint16_t U16() { return static_cast<uint16_t>(Le(2)); }
  uint32_t U32() { return static_cast<uint32_t>(Le(4)); }
  uint64_t U64() { return Le(8); }
  /// A string: size[2] then that many bytes.
  std::string_view Str() { return Bytes(U16()); }
  std::string_view Bytes(size_t n);
  Qid ReadQid();

  bool ok() const { return ok_; }
  size_t remaining() const { return data_.size() - pos_; }

 private:
  uint64_t Le(int n);

  std::string_view data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

/// Builds one message: Begin() writes the header, Finish() fills in its size.
class Writer {
 public:
  Writer(uint8_t type, uint16_t tag);

  Writer& U8(uint8_t v) { return Le(v, 1); }
  Writer& U16(uint16_t v) { return Le(v, 2); }
  Writer& U32(uint32_t v) { return Le(v, 4); }
  Writer& U64(uint64_t v) { return Le(v, 8); }
  /// Strings longer than 65535 bytes are cut, as the size field cannot say more.
  Writer& Str(std::string_view s);
  Writer& Bytes(std::string_view b);
  Writer& WriteQid(const Qid& q);

  size_t size() const { return buf_.size(); }
  /// Patches the size field at `offset` (a count written before its data).
  void PatchU32(size_t offset, uint32_t v);
  std::string Finish() &&;

 private:
  Writer& Le(uint64_t v, int n);

  std::string buf_;
};

/// The header of a complete message.
struct Header {
  uint32_t size = 0;
  uint8_t type = 0;
  uint16_t tag = 0;
};
Header ParseHeader(std::string_view message);

}  // namespace mini::vm::ninep
