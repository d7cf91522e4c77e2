// Simulates one Go trial of the model given on the command line through the installed package.
#include <spikernn/spikernn.hpp>

#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: downstream MODEL.mat\n";
    return 2;
  }
  torch::Tensor u = torch::zeros({1, 201}, torch::kFloat64);
  u.index_put_({0, torch::indexing::Slice(50, 75)}, 1.0);
  torch::manual_seed(1);
  const spikernn::SimulationResult r = spikernn::LIF_network_fnc(
      argv[1], 50.0, u, spikernn::Stims::none(), 1, false, {}, spikernn::Record::parse("spk,out"));
  std::cout << "downstream: " << r.spk.sum().item<double>() << " spikes, spikernn "
            << spikernn::version() << "\n";
  return r.spk.sum().item<double>() > 0 ? 0 : 1;
}
