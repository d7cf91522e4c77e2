#include "mat_v5_layout.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

namespace spikernn {
namespace {

// Whether a matrix element's body (`size` bytes, or its first `size` bytes) starts as matio
// reads it: array flags (8 bytes of miUINT32), dimensions (miINT32, at most 32 of them) and a name
// (miINT8, at most 4,096 characters). matio allocates what these claim before reading them.
bool matrix_header_sane(const unsigned char* body, size_t size, bool complete) {
  const auto word = [&](size_t at) {
    uint32_t w = 0;
    std::memcpy(&w, body + at, 4);
    return w;
  };
  struct Expected {
    uint32_t type, most;
  };
  size_t at = 0;
  for (const Expected e : {Expected{6, 8}, Expected{5, 128}, Expected{1, 4096}}) {
    if (at + 8 > size) return !complete;  // beyond the inflated start: matio checks the rest
    const uint32_t tag = word(at);
    const bool small = (tag >> 16) != 0;
    const uint32_t type = small ? (tag & 0xffff) : tag, nbytes = small ? (tag >> 16) : word(at + 4);
    if (type != e.type || nbytes > e.most || (small && nbytes > 4)) return false;
    if (e.type == 6 && nbytes != 8) return false;
    at += small ? 8 : 8 + (nbytes + 7) / 8 * 8;
  }
  return at <= size || !complete;
}

// The same for a compressed variable, on the start of its inflated data.
bool compressed_header_sane(const char* data, int64_t size) {
  unsigned char header[512];
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return false;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
  z.avail_in = static_cast<uInt>(std::min<int64_t>(size, 1 << 20));
  z.next_out = header;
  z.avail_out = sizeof header;
  const int status = inflate(&z, Z_SYNC_FLUSH);
  const size_t got = sizeof header - z.avail_out;
  inflateEnd(&z);
  if ((status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR) || got < 8) return false;
  uint32_t type = 0;
  std::memcpy(&type, header, 4);
  return type == 14 && matrix_header_sane(header + 8, got - 8, false);
}

}  // namespace

int64_t v5_layout_error(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
  const int64_t size = static_cast<int64_t>(bytes.size());
  const auto word = [&](int64_t at) {
    uint32_t w = 0;
    std::memcpy(&w, &bytes[static_cast<size_t>(at)], 4);
    return w;
  };
  // Version 0x0100 (v5; v7.3 files carry the same header with 0x0200 before HDF5 data).
  if (size < 128 || bytes[124] != 0 || bytes[125] != 1 || bytes[126] != 'I' || bytes[127] != 'M')
    return -1;
  constexpr uint32_t kMatrix = 14, kCompressed = 15;
  int64_t position = 128;
  while (position < size) {
    if (position + 8 > size) return position;
    const uint32_t type = word(position);
    const int64_t end = position + 8 + word(position + 4);
    if ((type != kMatrix && type != kCompressed) || end > size) return position;
    if (type == kCompressed &&
        !compressed_header_sane(bytes.data() + position + 8, end - position - 8))
      return position;
    if (type == kMatrix &&
        !matrix_header_sane(reinterpret_cast<const unsigned char*>(bytes.data()) + position + 8,
                            static_cast<size_t>(end - position - 8), true))
      return position;
    if (type == kMatrix) {
      int64_t sub = position + 8;
      while (sub + 8 <= end) {
        // A small element packs its size in the tag's upper half and fits in 8 bytes.
        sub += (word(sub) >> 16) != 0 ? 8 : 8 + (static_cast<int64_t>(word(sub + 4)) + 7) / 8 * 8;
      }
      if (sub != end) return position;
    }
    position = end;
  }
  return -1;
}

}  // namespace spikernn
