// Checks of the byte layout of MAT v5 files, made before matio reads one (sizes it would trust
// and allocate cannot exceed the file) and after spikernn writes one (matio hides short writes).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace spikernn {

// Where the layout of a little-endian MAT v5 file first goes wrong, or -1 when it is whole: every
// variable is a matrix (14) or compressed (15) element that ends within the file, and the
// sub-elements of an uncompressed matrix fill it exactly. Checked before matio reads a file, so
// that sizes it would trust (and allocate) cannot exceed the file, and after spikernn writes one:
// after a short write matio rewrites a variable's size to match the bytes that landed, but not
// the sizes inside it. Other formats (v4, v7.3) and big-endian files return -1. Reads the tags and
// headers only. When `elements` is given, it receives the variables' elements in file order.
struct V5Element {
  // Where an uncompressed matrix's real part (its fourth sub-element) lies, whatever its class
  // (callers compare numeric ones); -1 for a compressed element.
  int64_t data_offset = -1;
  int64_t data_bytes = 0;
};
int64_t v5_layout_error(const std::string& file, std::vector<V5Element>* elements = nullptr);

}  // namespace spikernn
