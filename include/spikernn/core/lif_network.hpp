/// @file
/// The spiking network as a torch::nn::Module: the port's abstract `AbstractSpikingRNN` interface,
/// and the LIF network that maps a rate model onto it.
#pragma once

#include <torch/torch.h>

#include <optional>
#include <string>
#include <vector>

#include "spikernn/core/lif_step.hpp"
#include "spikernn/core/rate_model.hpp"
#include "spikernn/core/simulation_result.hpp"
#include "spikernn/core/spiking_config.hpp"
#include "spikernn/core/stims.hpp"

namespace spikernn {

/// The port's abstract spiking RNN as a LibTorch module base: `Derived` is the implementing
/// module, which gets `clone()` from torch::nn::Cloneable by defining `reset()` (registering its
/// buffers from the config).
template <typename Derived>
class AbstractSpikingRNN : public torch::nn::Cloneable<Derived> {
 public:
  explicit AbstractSpikingRNN(SpikingConfig config) : config_(std::move(config)) {
    validate_spiking_config(config_);
  }

  const SpikingConfig& config() const { return config_; }

  /// Maps a rate model onto the network (see spikernn/io/model_file.hpp to load one from a file).
  virtual void load_rate_weights(const RateModel& model) = 0;
  /// One trial: `u` is n_inputs × columns (one column per kStepsPerColumn steps).
  virtual SimulationResult simulate(const torch::Tensor& u, const Stims& stims = Stims::none(),
                                    const Record& record = Record::all()) = 0;
  /// Firing rates (Hz) of a … × N × nt spike tensor, counted as `all_fr` counts them.
  virtual torch::Tensor compute_firing_rates(const torch::Tensor& spikes) const = 0;

 protected:
  SpikingConfig config_;
};

/// The LIF network of Kim, Li & Sejnowski (2019). Its converted tensors are registered buffers,
/// so `.to(device)` and `.to(dtype)` move them, and every step constant is derived from them when
/// a simulation starts: W (N × N, divided by λ), w_rec (N × N, before λ), w_in, w_out (divided by
/// λ), w_out_raw, td, td0, with `config().perturbations` applied to w_rec, w_in and w_out_raw when
/// the model is mapped (their input noise when a trial runs). `config().N` is taken from the model;
/// `config().device` and `config().dtype` follow `.to()`.
class LIFNetworkImpl : public AbstractSpikingRNN<LIFNetworkImpl> {
 public:
  explicit LIFNetworkImpl(SpikingConfig config = create_default_spiking_config());
  LIFNetworkImpl(SpikingConfig config, const RateModel& model);

  /// Registers the buffers, empty, on the config's device and dtype (torch::nn::Cloneable).
  void reset() override;

  void load_rate_weights(const RateModel& model) override;
  SimulationResult simulate(const torch::Tensor& u, const Stims& stims = Stims::none(),
                            const Record& record = Record::all()) override;
  torch::Tensor compute_firing_rates(const torch::Tensor& spikes) const override;

  /// B trials at once: `u` is B × n_inputs × columns; results carry a leading batch dimension.
  /// `seed` overrides the config's seed for this call. Safe to call from several threads at once.
  SimulationResult simulate_batch(const torch::Tensor& u, const Stims& stims = Stims::none(),
                                  const Record& record = Record::all(),
                                  std::optional<uint64_t> seed = std::nullopt) const;

  /// The same B trials at each scaling factor of `factors`: result k is, bit for bit, what
  /// simulate_batch gives at λ = factors[k] with the same seed. Every factor sees the same noise
  /// (without a seed: the fast noise's seed is drawn once, torch's generator is rewound to where it
  /// was before each factor). With the fast noise on a fused engine all the factors run together:
  /// on CUDA one kernel launch takes all S·B trials; otherwise one factor after another.
  std::vector<SimulationResult> simulate_factors(const torch::Tensor& u,
                                                 const std::vector<double>& factors,
                                                 const Stims& stims = Stims::none(),
                                                 const Record& record = Record::all(),
                                                 std::optional<uint64_t> seed = std::nullopt) const;

  /// Changes λ (rescales W and w_out); the buffers stay on their device.
  void set_scaling_factor(double scaling_factor);

  /// The step constants now, on the buffers' device and dtype.
  LIFParams lif_params() const;
  int64_t n_inputs() const { return w_in_.size(1); }
  torch::Device device() const { return W_.device(); }
  /// What the mapping of the last loaded model warned about (e.g. negative weights mapped as
  /// they are); empty when there is nothing to say.
  const std::vector<std::string>& warnings() const { return warnings_; }

  using torch::nn::Module::to;
  void to(torch::Device device, torch::Dtype dtype, bool non_blocking = false) override;
  void to(torch::Dtype dtype, bool non_blocking = false) override;
  void to(torch::Device device, bool non_blocking = false) override;

 private:
  struct ScaledWeights {
    torch::Tensor W, w_out;
  };
  /// w_rec and w_out_raw divided by `scaling_factor`, as the buffers W and w_out hold them.
  ScaledWeights scaled_weights(double scaling_factor) const;
  void apply_scaling_factor();
  /// Throws Error when no rate model has been loaded.
  void check_loaded() const;
  LIFParams lif_params_with(const torch::Tensor& W) const;
  /// simulate_batch at each factor, with W (S × N × N) and w_out (S × 1 × N) at those factors.
  std::vector<SimulationResult> simulate_sets(const torch::Tensor& u,
                                              const std::vector<double>& factors,
                                              const torch::Tensor& W, const torch::Tensor& w_out,
                                              const Stims& stims, const Record& record,
                                              std::optional<uint64_t> seed) const;
  /// The config with `device` and `dtype`; throws ConfigError for a dtype the kernels do not take.
  SpikingConfig moved_config(torch::Device device, torch::Dtype dtype) const;

  torch::Tensor w_rec_, W_, w_in_, w_out_raw_, w_out_, td_, td0_;
  std::vector<std::string> warnings_;
  uint64_t perturb_seed_ = 0;  // config().perturbations' seed, resolved when the model was mapped
  bool loaded_ = false;
};
TORCH_MODULE(LIFNetwork);

}  // namespace spikernn
