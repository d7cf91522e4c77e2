// Times one Go trial of the shipped Go-NoGo model (N = 200, 201 columns → 20,000 steps) through
// LIF_network_fnc, the way the port's function is called: model loading included, every trace
// recorded, float64 on the CPU. Prints the best and the median of --repeat runs.
//
//   build/bench/spikernn_bench_single_trial [--repeat 5] [--record all|out] [--model PATH]
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "spikernn/spikernn.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Time one Go-NoGo trial through spikernn::LIF_network_fnc"};
  std::string model =
      std::string(SPIKERNN_SOURCE_DIR) + "/models/go_nogo_N200_taus4-20_sigmoid.mat";
  std::string record = "all";
  int repeat = 5;
  app.add_option("--model", model, "Rate model (.mat)");
  app.add_option("--record", record, "Traces to record (all, or a list such as out)");
  app.add_option("--repeat", repeat, "Number of timed runs")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);

  torch::Tensor u = torch::zeros({1, 201}, torch::kFloat64);
  u.index_put_({0, torch::indexing::Slice(50, 75)}, 1.0);
  const spikernn::Record traces = spikernn::Record::parse(record);

  std::vector<double> seconds;
  for (int i = 0; i < repeat; ++i) {
    torch::manual_seed(static_cast<uint64_t>(i));
    const auto start = std::chrono::steady_clock::now();
    spikernn::LIF_network_fnc(model, 50.0, u, spikernn::Stims::none(), 1, false,
                              spikernn::SpikingConfig{}, traces);
    seconds.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(seconds.begin(), seconds.end());
  std::printf("spikernn single Go trial (record %s, %d threads): best %.4f s, median %.4f s\n",
              record.c_str(), torch::get_num_threads(), seconds.front(),
              seconds[seconds.size() / 2]);
  return 0;
}
