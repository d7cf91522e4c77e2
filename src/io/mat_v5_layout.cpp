#include "mat_v5_layout.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <fstream>
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

int64_t v5_layout_error(const std::string& file, std::vector<V5Element>* elements) {
  // Only the tags and matrix headers are read, not the data: a file of traces is checked
  // without reading its hundreds of megabytes.
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) return -1;
  const int64_t size = static_cast<int64_t>(in.tellg());
  const auto read = [&](int64_t at, int64_t n) {
    std::vector<char> bytes(static_cast<size_t>(std::max<int64_t>(0, std::min(n, size - at))));
    in.seekg(at);
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return bytes;
  };
  const auto word = [&](int64_t at) {
    uint32_t w = 0;
    const std::vector<char> bytes = read(at, 4);
    std::memcpy(&w, bytes.data(), std::min<size_t>(4, bytes.size()));
    return w;
  };
  // Version 0x0100 (v5; v7.3 files carry the same header with 0x0200 before HDF5 data).
  const std::vector<char> header = read(0, 128);
  if (size < 128 || header[124] != 0 || header[125] != 1 || header[126] != 'I' ||
      header[127] != 'M')
    return -1;
  constexpr uint32_t kMatrix = 14, kCompressed = 15;
  // The most a matrix header can take: flags, 32 dimensions and a 4,096-character name.
  constexpr int64_t kMatrixHeader = 16 + 8 + 128 + 8 + 4096;
  int64_t position = 128;
  while (position < size) {
    if (position + 8 > size) return position;
    const uint32_t type = word(position);
    const int64_t end = position + 8 + word(position + 4);
    if ((type != kMatrix && type != kCompressed) || end > size) return position;
    V5Element element;
    if (type == kCompressed) {
      const std::vector<char> start =
          read(position + 8, std::min<int64_t>(end - position - 8, 1 << 20));
      if (!compressed_header_sane(start.data(), static_cast<int64_t>(start.size())))
        return position;
    } else {
      const int64_t body = end - position - 8;
      const std::vector<char> start = read(position + 8, std::min(body, kMatrixHeader));
      // The header check reads no further than kMatrixHeader bytes into the body.
      if (!matrix_header_sane(reinterpret_cast<const unsigned char*>(start.data()),
                              static_cast<size_t>(body), true))
        return position;
      int64_t sub = position + 8;
      for (int k = 0; sub + 8 <= end; ++k) {
        // A small element packs its size in the tag's upper half and fits in 8 bytes.
        const uint32_t tag = word(sub);
        const bool small = (tag >> 16) != 0;
        const int64_t bytes = small ? tag >> 16 : word(sub + 4);
        if (k == 3) element = {small ? sub + 4 : sub + 8, bytes};  // the real part
        sub += small ? 8 : 8 + (bytes + 7) / 8 * 8;
      }
      if (sub != end) return position;
    }
    if (elements != nullptr) elements->push_back(element);
    position = end;
  }
  return -1;
}

}  // namespace spikernn
