#include "vm/ninep/codec.h"

namespace mini::vm::ninep {

uint64_t Reader::Le(int n) {
  if (!ok_ || remaining() < static_cast<size_t>(n)) {
    ok_ = false;
    return 0;
  }
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(data_[pos_ + i]);
  pos_ += n;
  return v;
}

std::string_view Reader::Bytes(size_t n) {
  if (!ok_ || remaining() < n) {
    ok_ = false;
    return {};
  }
  std::string_view b = data_.substr(pos_, n);
  pos_ += n;
  return b;
}

Qid Reader::ReadQid() {
  Qid q;
  q.type = U8();
  q.version = U32();
  q.path = U64();
  return q;
}

Writer::Writer(uint8_t type, uint16_t tag) {
  buf_.reserve(64);
  U32(0).U8(type).U16(tag);
}

Writer& Writer::Le(uint64_t v, int n) {
  for (int i = 0; i < n; ++i) buf_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  return *this;
}

Writer& Writer::Str(std::string_view s) {
  if (s.size() > 0xffff) s = s.substr(0, 0xffff);
  U16(static_cast<uint16_t>(s.size()));
  return Bytes(s);
}

Writer& Writer::Bytes(std::string_view b) {
  buf_.append(b);
  return *this;
}

Writer& Writer::WriteQid(const Qid& q) { return U8(q.type).U32(q.version).U64(q.path); }

void Writer::PatchU32(size_t offset, uint32_t v) {
  for (int i = 0; i < 4; ++i) buf_[offset + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

std::string Writer::Finish() && {
  PatchU32(0, static_cast<uint32_t>(buf_.size()));
  return std::move(buf_);
}

Header ParseHeader(std::string_view message) {
  Reader r(message);
  Header h;
  h.size = r.U32();
  h.type = r.U8();
  h.tag = r.U16();
  return h;
}

}  // namespace mini::vm::ninep
