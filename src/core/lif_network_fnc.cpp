#include "spikernn/core/lif_network_fnc.hpp"

#include "spikernn/core/lif_network.hpp"

namespace spikernn {

SimulationResult LIF_network_fnc(const RateModel& model, double scaling_factor,
                                 const torch::Tensor& u, const Stims& stims, int64_t downsample,
                                 bool use_initial_weights, SpikingConfig config,
                                 const Record& record) {
  config.N = model.N;
  config.scaling_factor = scaling_factor;
  config.downsample = downsample;
  config.use_initial_weights = use_initial_weights;
  LIFNetwork network(std::move(config), model);
  return network->simulate(u, stims, record);
}

}  // namespace spikernn
