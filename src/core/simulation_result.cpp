#include "spikernn/core/simulation_result.hpp"

#include <sstream>
#include <utility>
#include <vector>

#include "spikernn/core/error.hpp"

namespace spikernn {
namespace {

std::vector<std::pair<const char*, bool Record::*>> fields() {
  return {{"W", &Record::W},         {"REC", &Record::REC},
          {"spk", &Record::spk},     {"rs", &Record::rs},
          {"IPSCs", &Record::IPSCs}, {"all_fr", &Record::all_fr},
          {"out", &Record::out},     {"spike_list", &Record::spike_list}};
}

}  // namespace

Record Record::parse(const std::string& list) {
  if (list == "all") return all();
  Record record = nothing();
  std::stringstream items(list);
  std::string item;
  while (std::getline(items, item, ',')) {
    bool known = false;
    for (const auto& [name, member] : fields())
      if (item == name) record.*member = known = true;
    if (!known) {
      std::string names;
      for (const auto& field : fields())
        names += std::string(names.empty() ? "" : ",") + field.first;
      throw InvalidArgument("record: unknown trace '" + item + "' (expected a comma-separated " +
                            "list of " + names + ", or all)");
    }
  }
  return record;
}

std::string Record::to_string() const {
  std::string list;
  for (const auto& [name, member] : fields())
    if (this->*member) list += std::string(list.empty() ? "" : ",") + name;
  return list;
}

int64_t Record::trace_bytes(int64_t batch, int64_t nt, int64_t N, int64_t element_size) const {
  const int64_t traces = int64_t{REC} + spk + rs + IPSCs;
  return traces * batch * nt * N * element_size;
}

}  // namespace spikernn
