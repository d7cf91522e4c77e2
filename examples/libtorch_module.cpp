// LIFNetwork is a torch::nn::Module: a LibTorch program can hold it like any other module,
// move it with .to(), and read its converted weights as named buffers.
//
//   build/examples/libtorch_module [MODEL.mat]
#include <spikernn/spikernn.hpp>

#include <iostream>

int main(int argc, char** argv) {
  spikernn::SpikingConfig config = nlohmann::json{{"scaling_factor", 25.0}, {"seed", 7}};
  spikernn::LIFNetwork network(config);
  network->load_rate_weights(
      spikernn::load_rate_model(argc > 1 ? argv[1] : SPIKERNN_EXAMPLE_MODEL));

  // Hold it as a plain module, as a larger LibTorch model would.
  std::shared_ptr<torch::nn::Module> module = network.ptr();
  const torch::Device device = torch::cuda::is_available() ? torch::kCUDA : torch::kCPU;
  module->to(device);
  for (const auto& buffer : module->named_buffers())
    std::cout << buffer.key() << ": " << buffer.value().sizes() << " on " << buffer.value().device()
              << "\n";

  // W is the recurrent weight matrix divided by λ; w_rec the one before scaling.
  const torch::Tensor W = network->named_buffers()["W"];
  const torch::Tensor w_rec = network->named_buffers()["w_rec"];
  std::cout << "max |W·λ − w_rec| = "
            << (W.to(torch::kCPU) * 25.0 - w_rec.to(torch::kCPU)).abs().max().item<double>()
            << "\n";
  return 0;
}
