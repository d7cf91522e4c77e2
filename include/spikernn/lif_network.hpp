/// @file
/// The spiking network as a torch::nn::Module: an abstract interface mirroring the port's
/// `AbstractSpikingRNN`, and the LIF network that maps a rate model onto it.
#pragma once

#include <torch/torch.h>

#include <optional>
#include <string>

#include "spikernn/lif_step.hpp"
#include "spikernn/rate_model.hpp"
#include "spikernn/simulation_result.hpp"
#include "spikernn/spiking_config.hpp"
#include "spikernn/stims.hpp"

namespace spikernn {

class AbstractSpikingRNN : public torch::nn::Module {
 public:
  explicit AbstractSpikingRNN(SpikingConfig config);

  const SpikingConfig& config() const { return config_; }

  /// Loads the MAT file at `model_path` and maps it (see the RateModel overload).
  void load_rate_weights(const std::string& model_path);
  virtual void load_rate_weights(const RateModel& model) = 0;
  /// Derives the step constants from the config and the loaded weights.
  virtual void initialize_lif_params() = 0;
  /// One trial: `u` is n_inputs × columns (one column per 100 steps of dt).
  virtual SimulationResult simulate(const torch::Tensor& u, const Stims& stims = Stims::none(),
                                    const Record& record = Record::all()) = 0;
  /// Firing rates (Hz) of an N × nt spike matrix.
  virtual torch::Tensor compute_firing_rates(const torch::Tensor& spikes) const = 0;

 protected:
  SpikingConfig config_;
};

/// The LIF network of Kim, Li & Sejnowski (2019). Its converted tensors are registered buffers,
/// so `.to(device)` moves them: W (N × N, divided by λ), w_rec (N × N, before λ), w_in, w_out
/// (divided by λ), td, td0. `config().N` is taken from the model.
class LIFNetworkImpl : public AbstractSpikingRNN {
 public:
  explicit LIFNetworkImpl(SpikingConfig config = create_default_spiking_config());
  LIFNetworkImpl(SpikingConfig config, const RateModel& model);

  using AbstractSpikingRNN::load_rate_weights;
  void load_rate_weights(const RateModel& model) override;
  void initialize_lif_params() override;
  SimulationResult simulate(const torch::Tensor& u, const Stims& stims = Stims::none(),
                            const Record& record = Record::all()) override;
  torch::Tensor compute_firing_rates(const torch::Tensor& spikes) const override;

  /// B trials at once: `u` is B × n_inputs × columns; results carry a leading batch dimension.
  /// `seed` overrides the config's seed for this call. Safe to call from several threads at once.
  SimulationResult simulate_batch(const torch::Tensor& u, const Stims& stims = Stims::none(),
                                  const Record& record = Record::all(),
                                  std::optional<uint64_t> seed = std::nullopt) const;

  /// Changes λ (rescales W and w_out); the buffers stay on their device.
  void set_scaling_factor(double scaling_factor);

  const LIFParams& lif_params() const { return params_; }
  int64_t n_inputs() const { return w_in_.size(1); }
  torch::Device device() const { return W_.device(); }

 private:
  void apply_scaling_factor();
  LIFParams current_params() const;

  torch::Tensor w_rec_, W_, w_in_, w_out_raw_, w_out_, td_, td0_;
  LIFParams params_;
  bool loaded_ = false;
};
TORCH_MODULE(LIFNetwork);

}  // namespace spikernn
