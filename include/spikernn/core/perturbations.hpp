/// @file
/// Circuit manipulations ("perturbations") of the mapped network, as wmRNN's LIF_network_fnc.m
/// makes them (synapse scaling, shuffled weights, no autapses) plus lesions and noisy inputs. They
/// are part of SpikingConfig (its `perturbations` key), so every run carries them and records them
/// in the config it writes. The section "Perturbations" of docs/model.md gives the definitions and
/// the order.
#pragma once

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <vector>

#include "spikernn/core/settings_table.hpp"

namespace spikernn {

/// Which columns (presynaptic units) `shuffle_weights` shuffles.
enum class ShuffleWeights { None, All, Exc, Inh };
const EnumNames<ShuffleWeights>& shuffle_weights_names();

/// Factors of the four synapse types, named as wmRNN names them: `xy` scales w(X, Y), the weights
/// onto units of type X (rows, post-synaptic) from units of type Y (columns, presynaptic), so `ei`
/// is I→E and `ie` E→I.
struct SynapseScales {
  double ee = 1, ei = 1, ie = 1, ii = 1;
};

/// The fraction of each type's units that a lesion draws.
struct LesionFractions {
  double exc = 0, inh = 0;
};

/// The manipulations, each off by default; an all-default Perturbations changes nothing, bit for
/// bit. Each field is declared once more, with its key and help, in perturbations_table().
struct Perturbations {
  SynapseScales scale_synapses;
  bool remove_autapses = false;
  std::vector<int64_t> lesion_units;  ///< 0-based
  LesionFractions lesion_fraction;
  ShuffleWeights shuffle_weights = ShuffleWeights::None;
  bool shuffle_input_weights = false;
  double input_noise = 0;  ///< SD of the Gaussian noise added to the input u
  /// Seed of the random manipulations; unset: derived from the run's seed (derived_perturb_seed).
  std::optional<uint64_t> perturb_seed;

  /// Whether the mapped weights change (everything but input_noise).
  bool changes_weights() const;
  /// Whether anything draws from the perturb seed.
  bool draws() const;
};

/// The keys, help and JSON form of every Perturbations field (snake_case keys; scale_synapses is an
/// object of ee/ei/ie/ii factors, lesion_fraction one of exc/inh fractions).
const SettingsTable<Perturbations>& perturbations_table();

/// Factors finite and >= 0, fractions in [0, 1], unit indices >= 0, input_noise finite and >= 0.
/// Throws ConfigError "perturbations: key 'K': ..." naming the key. Unit indices are checked
/// against N when the model is mapped (apply_perturbations).
void validate_perturbations(const Perturbations& perturbations);

/// Throws ConfigError naming the key for an unknown key, a wrong type or an invalid value; absent
/// keys keep their values.
void from_json(const nlohmann::json& j, Perturbations& perturbations);
void to_json(nlohmann::json& j, const Perturbations& perturbations);

/// The perturb seed of a run seeded with `run_seed` when none is given: one splitmix64 output of
/// its own stream, so it is none of the run's batch seeds.
uint64_t derived_perturb_seed(uint64_t run_seed);
/// `perturbations.perturb_seed`, else derived_perturb_seed(run_seed), else (no seed at all) one
/// draw from torch's global CPU generator when something random is asked for, as the noise does.
uint64_t resolve_perturb_seed(const Perturbations& perturbations, std::optional<uint64_t> run_seed);

/// The mapped tensors a perturbation changes, float64 on the CPU: w_rec N × N (before λ), w_in
/// N × n_inputs, w_out 1 × N.
struct MappedWeights {
  torch::Tensor w_rec, w_in, w_out;
};

/// The units lesioned: lesion_units, and round(fraction · count) units of each type drawn without
/// replacement; sorted, each once. Throws InvalidArgument for an index outside [0, N).
std::vector<int64_t> lesioned_units(const Perturbations& perturbations, const torch::Tensor& exc,
                                    uint64_t seed);

/// The manipulations applied to new tensors, in this order: (1) scale_synapses, (2)
/// shuffle_weights, (3) remove_autapses, (4) shuffle_input_weights (the rows of w_in permuted), (5)
/// lesions (rows and columns of w_rec, rows of w_in, columns of w_out set to zero). `exc` is
/// the N boolean mask of excitatory units (the others are inhibitory); `seed` the resolved perturb
/// seed. Each random step has its own stream from `seed`, so turning one on leaves the draws of
/// the others as they were. input_noise is not applied here (see add_input_noise).
MappedWeights apply_perturbations(const Perturbations& perturbations, const MappedWeights& mapped,
                                  const torch::Tensor& exc, uint64_t seed);

/// `u` (… × n_inputs × columns) plus N(0, sd²) noise, drawn in float64 on the CPU from a torch
/// generator seeded with `seed` (torch's global CPU generator without one), so that the numbers
/// are the same on every device and thread count.
torch::Tensor add_input_noise(const torch::Tensor& u, double sd, std::optional<uint64_t> seed);

/// The seed of the input noise of a simulate_batch call seeded with `call_seed` (a batch's seed),
/// for a network whose resolved perturb seed is `perturb_seed`.
uint64_t input_noise_seed(uint64_t call_seed, uint64_t perturb_seed);

}  // namespace spikernn
