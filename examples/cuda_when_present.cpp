// Run the same simulation on a GPU when one is there, on the CPU otherwise: the network is the
// same code on both; only the device in its config changes.
//
//   build/examples/cuda_when_present [MODEL.mat]
#include <spikernn/spikernn.hpp>

#include <iostream>

int main(int argc, char** argv) {
  const auto [gpu, name] = spikernn::check_gpu_availability();
  std::cout << "device: " << name << "\n";

  spikernn::SpikingConfig config;
  config.device = gpu ? "cuda" : "cpu";
  config.scaling_factor = 20;
  config.seed = 3;
  spikernn::LIFNetwork network(config);
  network->load_rate_weights(
      spikernn::load_rate_model(argc > 1 ? argv[1] : SPIKERNN_EXAMPLE_MODEL));

  // 50 Go trials at once: a batch is one B × N state, simulated together.
  torch::Tensor u = torch::zeros({50, 1, 201}, torch::kFloat64);
  u.index_put_({torch::indexing::Slice(), 0, torch::indexing::Slice(50, 75)}, 1.0);
  const spikernn::SimulationResult r =
      network->simulate_batch(u, spikernn::Stims::none(), spikernn::Record::parse("out,all_fr"));
  std::cout << "outputs on " << r.out.device() << ", mean final output "
            << r.out.select(1, -1).mean().item<double>() << ", mean rate "
            << r.all_fr.mean().item<double>() << " Hz\n";
  return 0;
}
