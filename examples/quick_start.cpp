// The port's quick start in C++: convert the shipped Go-NoGo model into an LIF network with
// λ = 50, simulate one Go trial, and print the spikes and the final output.
//
//   build/examples/quick_start [MODEL.mat]
#include <spikernn/spikernn.hpp>

#include <iostream>

int main(int argc, char** argv) {
  const std::string model = argc > 1 ? argv[1] : SPIKERNN_EXAMPLE_MODEL;

  // A Go trial: 201 stimulus columns (one per 5 ms), input 1 on columns 50–74.
  torch::Tensor u = torch::zeros({1, 201}, torch::kFloat64);
  u.index_put_({0, torch::indexing::Slice(50, 75)}, 1.0);

  // Same call and argument order as the Python `LIF_network_fnc`; seeding torch's generator
  // first makes the spikes identical to the port's for the same seed.
  torch::manual_seed(1);
  const spikernn::SimulationResult r =
      spikernn::LIF_network_fnc(model, 50.0, u, spikernn::Stims::none(), /*downsample=*/1,
                                /*use_initial_weights=*/false);

  const spikernn::SpikeData spikes = spikernn::format_spike_data(r.spk, r.dt);
  std::cout << "Generated " << spikes.total_spikes << " spikes from "
            << spikes.active_neurons.numel() << " active neurons over " << r.T << " s\n"
            << "Mean firing rate: " << spikes.firing_rates.mean().item<double>() << " Hz\n"
            << "Network output at the end: " << r.out[-1].item<double>() << "\n";
  return 0;
}
