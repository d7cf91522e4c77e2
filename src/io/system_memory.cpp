#include "spikernn/io/system_memory.hpp"

#include <fstream>
#include <string>

#include "spikernn/core/error.hpp"

namespace spikernn {

int64_t available_memory_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key, unit;
  int64_t kilobytes = 0;
  while (meminfo >> key >> kilobytes >> unit)
    if (key == "MemAvailable:") return kilobytes * 1024;
  return -1;
}

void check_trace_memory(const Record& record, int64_t batch, int64_t nt, int64_t N,
                        int64_t element_size) {
  const int64_t needed = record.trace_bytes(batch, nt, N, element_size);
  const int64_t available = available_memory_bytes();
  if (available < 0 || needed <= available) return;
  throw InvalidArgument("record: the traces " + record.to_string() + " of " +
                        std::to_string(batch) + " trial(s) of " + std::to_string(nt) + " steps × " +
                        std::to_string(N) + " units need " + std::to_string(needed >> 20) +
                        " MiB, more than the " + std::to_string(available >> 20) +
                        " MiB available; record fewer (e.g. --record out,all_fr, or 'record' in "
                        "a config)");
}

}  // namespace spikernn
