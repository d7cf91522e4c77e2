#include "spikernn/core/perturbations.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>

#include "generators.hpp"
#include "spikernn/core/error.hpp"
#include "splitmix64.hpp"

namespace spikernn {
namespace {

// Each random manipulation draws from its own stream of the perturb seed, so that turning one on
// leaves the others' draws as they were.
enum PerturbStream : uint64_t { kLesionExc, kLesionInh, kShuffleWeights, kShuffleInput, kNoise };

constexpr const char* kPerturbContext = "perturbations";

std::string perturb_number(double x) {
  std::ostringstream s;
  s << x;
  return s.str();
}

[[noreturn]] void invalid_perturbation(const std::string& key, const std::string& message) {
  throw ConfigError(std::string(kPerturbContext) + ": key '" + key + "': " + message);
}

// A flat object of named numbers (scale_synapses, lesion_fraction) into the members it names.
void read_named_numbers(const nlohmann::json& j, const std::string& key,
                        const std::vector<std::pair<std::string, double*>>& fields) {
  std::vector<std::string> names;
  for (const auto& [name, member] : fields) names.push_back(name);
  json_fields::reject_unknown_keys(j, names, std::string(kPerturbContext) + ": key '" + key + "'");
  for (const auto& [name, member] : fields) {
    if (!j.contains(name)) continue;
    if (!j[name].is_number())
      invalid_perturbation(key, "'" + name + "' expected a number, found " + j[name].dump());
    *member = j[name].get<double>();
  }
}

// An integer uniform in [0, n), the same on every platform (std::uniform_int_distribution's
// numbers are the library's own).
uint64_t uniform_below(std::mt19937_64& rng, uint64_t n) {
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x = rng();
  while (x >= limit) x = rng();
  return x % n;
}

// A uniformly random permutation of 0 … n−1 (Fisher–Yates).
std::vector<int64_t> random_permutation(int64_t n, std::mt19937_64& rng) {
  std::vector<int64_t> p(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) p[static_cast<size_t>(i)] = i;
  for (int64_t i = n - 1; i > 0; --i)
    std::swap(p[static_cast<size_t>(i)], p[uniform_below(rng, static_cast<uint64_t>(i + 1))]);
  return p;
}

std::mt19937_64 perturb_stream(uint64_t seed, PerturbStream s) {
  return std::mt19937_64(splitmix64_at(seed, s));
}

std::vector<bool> exc_flags(const torch::Tensor& exc) {
  const torch::Tensor e = exc.to(torch::kCPU, torch::kBool).contiguous().reshape({-1});
  const bool* p = e.data_ptr<bool>();
  return std::vector<bool>(p, p + e.numel());
}

// wmRNN's shuffle: each chosen column's non-zero entries, in row order, go to the first rows of a
// random permutation of the rows; the rest of the column is zero.
void shuffle_columns(torch::Tensor& w, const std::vector<bool>& exc, ShuffleWeights which,
                     std::mt19937_64 rng) {
  const int64_t n = w.size(0);
  auto a = w.accessor<double, 2>();
  std::vector<double> values;
  for (int64_t j = 0; j < w.size(1); ++j) {
    const bool e = exc[static_cast<size_t>(j)];
    if ((which == ShuffleWeights::Exc && !e) || (which == ShuffleWeights::Inh && e)) continue;
    values.clear();
    for (int64_t i = 0; i < n; ++i)
      if (a[i][j] != 0) values.push_back(a[i][j]);
    const std::vector<int64_t> rows = random_permutation(n, rng);
    for (int64_t i = 0; i < n; ++i) a[i][j] = 0;
    for (size_t k = 0; k < values.size(); ++k) a[rows[k]][j] = values[k];
  }
}

}  // namespace

const EnumNames<ShuffleWeights>& shuffle_weights_names() {
  static const EnumNames<ShuffleWeights> names{{"none", ShuffleWeights::None},
                                               {"all", ShuffleWeights::All},
                                               {"exc", ShuffleWeights::Exc},
                                               {"inh", ShuffleWeights::Inh}};
  return names;
}

bool Perturbations::changes_weights() const {
  const SynapseScales& s = scale_synapses;
  return s.ee != 1 || s.ei != 1 || s.ie != 1 || s.ii != 1 || remove_autapses ||
         !lesion_units.empty() || lesion_fraction.exc > 0 || lesion_fraction.inh > 0 ||
         shuffle_weights != ShuffleWeights::None || shuffle_input_weights;
}

bool Perturbations::draws() const {
  return lesion_fraction.exc > 0 || lesion_fraction.inh > 0 ||
         shuffle_weights != ShuffleWeights::None || shuffle_input_weights || input_noise > 0;
}

const SettingsTable<Perturbations>& perturbations_table() {
  using P = Perturbations;
  static const SettingsTable<P> table = [] {
    SettingsTable<P> t(kPerturbContext);
    t.add<nlohmann::json>(
         "scale_synapses",
         [](const P& p) {
           const SynapseScales& s = p.scale_synapses;
           return nlohmann::json{{"ee", s.ee}, {"ei", s.ei}, {"ie", s.ie}, {"ii", s.ii}};
         },
         [](P& p, nlohmann::json j) {
           SynapseScales& s = p.scale_synapses;
           read_named_numbers(j, "scale_synapses",
                              {{"ee", &s.ee}, {"ei", &s.ei}, {"ie", &s.ie}, {"ii", &s.ii}});
         },
         "Factor of each synapse type XY, w(X, Y) with rows post- and columns presynaptic: ee, "
         "ei (I→E), ie (E→I), ii")
        .add("remove_autapses", &P::remove_autapses, "Set the diagonal of W to zero")
        .add("lesion_units", &P::lesion_units,
             "Units (0-based) whose incoming and outgoing weights are set to zero")
        .add<nlohmann::json>(
            "lesion_fraction",
            [](const P& p) {
              return nlohmann::json{{"exc", p.lesion_fraction.exc}, {"inh", p.lesion_fraction.inh}};
            },
            [](P& p, nlohmann::json j) {
              read_named_numbers(
                  j, "lesion_fraction",
                  {{"exc", &p.lesion_fraction.exc}, {"inh", &p.lesion_fraction.inh}});
            },
            "Fraction of the excitatory (exc) and inhibitory (inh) units lesioned, drawn at random")
        .add(
            "shuffle_weights", &P::shuffle_weights, shuffle_weights_names(),
            "Move the non-zero weights of each column (all, of exc or of inh units) to random rows")
        .add("shuffle_input_weights", &P::shuffle_input_weights,
             "Permute the rows of w_in (which unit gets which input weights)")
        .add("input_noise", &P::input_noise,
             "SD of the Gaussian noise added to the input u, per trial")
        .add("perturb_seed", &P::perturb_seed,
             "Seed of the random manipulations; none: derived from the run's seed");
    return t;
  }();
  return table;
}

void validate_perturbations(const Perturbations& p) {
  const SynapseScales& s = p.scale_synapses;
  for (const auto& [name, factor] :
       {std::pair{"ee", s.ee}, std::pair{"ei", s.ei}, std::pair{"ie", s.ie}, std::pair{"ii", s.ii}})
    if (!(factor >= 0) || !std::isfinite(factor))
      invalid_perturbation("scale_synapses", "expected finite factors >= 0, found " +
                                                 std::string(name) + " = " +
                                                 perturb_number(factor));
  for (const auto& [name, fraction] :
       {std::pair{"exc", p.lesion_fraction.exc}, std::pair{"inh", p.lesion_fraction.inh}})
    if (!(fraction >= 0 && fraction <= 1))
      invalid_perturbation("lesion_fraction", "expected fractions in [0, 1], found " +
                                                  std::string(name) + " = " +
                                                  perturb_number(fraction));
  for (const int64_t unit : p.lesion_units)
    if (unit < 0)
      invalid_perturbation("lesion_units",
                           "expected unit indices >= 0 (0-based), found " + std::to_string(unit));
  if (!(p.input_noise >= 0) || !std::isfinite(p.input_noise))
    invalid_perturbation("input_noise",
                         "expected a finite SD >= 0, found " + perturb_number(p.input_noise));
}

void from_json(const nlohmann::json& j, Perturbations& p) {
  try {
    perturbations_table().read(j, p);
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    if (message.rfind(std::string(kPerturbContext) + ":", 0) == 0) throw;
    throw ConfigError(std::string(kPerturbContext) + ": " + message);
  }
  validate_perturbations(p);
}

void to_json(nlohmann::json& j, const Perturbations& p) { j = perturbations_table().write(p); }

uint64_t derived_perturb_seed(uint64_t run_seed) {
  // 63 bits, like the batch seeds, so that it survives int64 files and JSON.
  return splitmix64_at(mix64(run_seed ^ 0x7065727475726221ull), kNoise + 1) >> 1;
}

uint64_t resolve_perturb_seed(const Perturbations& p, std::optional<uint64_t> run_seed) {
  if (p.perturb_seed) return *p.perturb_seed;
  if (run_seed) return derived_perturb_seed(*run_seed);
  if (!p.draws()) return 0;
  return static_cast<uint64_t>(torch::randint(INT64_MAX, {1}, torch::kLong).item<int64_t>());
}

std::vector<int64_t> lesioned_units(const Perturbations& p, const torch::Tensor& exc,
                                    uint64_t seed) {
  const std::vector<bool> is_exc = exc_flags(exc);
  const int64_t n = static_cast<int64_t>(is_exc.size());
  std::vector<int64_t> units;
  for (const int64_t unit : p.lesion_units) {
    if (unit < 0 || unit >= n)
      throw InvalidArgument(std::string(kPerturbContext) + ": key 'lesion_units': unit " +
                            std::to_string(unit) + " is out of range for a network of " +
                            std::to_string(n) + " units (0 to " + std::to_string(n - 1) + ")");
    units.push_back(unit);
  }
  for (const bool type : {true, false}) {
    const double fraction = type ? p.lesion_fraction.exc : p.lesion_fraction.inh;
    if (fraction <= 0) continue;
    std::vector<int64_t> of_type;
    for (int64_t i = 0; i < n; ++i)
      if (is_exc[static_cast<size_t>(i)] == type) of_type.push_back(i);
    std::mt19937_64 rng = perturb_stream(seed, type ? kLesionExc : kLesionInh);
    const std::vector<int64_t> order =
        random_permutation(static_cast<int64_t>(of_type.size()), rng);
    const auto count =
        static_cast<size_t>(std::llround(fraction * static_cast<double>(of_type.size())));
    for (size_t k = 0; k < count; ++k) units.push_back(of_type[static_cast<size_t>(order[k])]);
  }
  std::sort(units.begin(), units.end());
  units.erase(std::unique(units.begin(), units.end()), units.end());
  return units;
}

MappedWeights apply_perturbations(const Perturbations& p, const MappedWeights& mapped,
                                  const torch::Tensor& exc, uint64_t seed) {
  validate_perturbations(p);
  const auto host = [](const torch::Tensor& t) {
    return t.to(torch::kCPU, torch::kFloat64).contiguous().clone();
  };
  MappedWeights out{host(mapped.w_rec), host(mapped.w_in), host(mapped.w_out)};
  const std::vector<bool> is_exc = exc_flags(exc);
  const int64_t n = out.w_rec.size(0);
  if (static_cast<int64_t>(is_exc.size()) != n || out.w_rec.size(1) != n)
    throw InvalidArgument("perturbations: expected an N × N w_rec and N type flags, found " +
                          c10::str(out.w_rec.sizes()) + " and " + std::to_string(is_exc.size()));

  // (1) Synapse types, by the types of the row (post) and the column (pre) unit.
  const SynapseScales& s = p.scale_synapses;
  if (s.ee != 1 || s.ei != 1 || s.ie != 1 || s.ii != 1) {
    auto a = out.w_rec.accessor<double, 2>();
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < n; ++j) {
        const bool post = is_exc[static_cast<size_t>(i)], pre = is_exc[static_cast<size_t>(j)];
        a[i][j] *= post ? (pre ? s.ee : s.ei) : (pre ? s.ie : s.ii);
      }
  }
  // (2) Shuffling before the removals, so that it brings back neither autapses nor lesioned units.
  if (p.shuffle_weights != ShuffleWeights::None)
    shuffle_columns(out.w_rec, is_exc, p.shuffle_weights, perturb_stream(seed, kShuffleWeights));
  // (3) Autapses.
  if (p.remove_autapses) out.w_rec.fill_diagonal_(0);
  // (4) Input weights: unit i gets the input weights of unit order[i]; before the lesions, so that
  // a lesioned unit gets no input weights back.
  if (p.shuffle_input_weights) {
    std::mt19937_64 rng = perturb_stream(seed, kShuffleInput);
    const std::vector<int64_t> order = random_permutation(out.w_in.size(0), rng);
    out.w_in = out.w_in.index_select(0, torch::tensor(order, torch::kLong)).contiguous();
  }
  // (5) Lesions: the unit neither hears (recurrent and input weights) nor is heard (recurrent and
  // readout weights).
  const std::vector<int64_t> lesioned = lesioned_units(p, exc, seed);
  if (!lesioned.empty()) {
    const torch::Tensor index = torch::tensor(lesioned, torch::kLong);
    out.w_rec.index_fill_(0, index, 0.0);
    out.w_rec.index_fill_(1, index, 0.0);
    out.w_in.index_fill_(0, index, 0.0);
    out.w_out.index_fill_(-1, index, 0.0);
  }
  return out;
}

torch::Tensor add_input_noise(const torch::Tensor& u, double sd, std::optional<uint64_t> seed) {
  if (sd == 0) return u;
  at::Generator generator = seeded_generator(torch::kCPU, seed);
  const torch::Tensor noise = torch::randn(u.sizes(), generator, torch::kFloat64) * sd;
  return u + noise.to(u.options());
}

uint64_t input_noise_seed(uint64_t call_seed, uint64_t perturb_seed) {
  return mix64(call_seed ^ splitmix64_at(perturb_seed, kNoise)) >> 1;
}

}  // namespace spikernn
