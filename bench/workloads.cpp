// Timed workloads for spikernn on the CPU (a small driver, not a test): one per process, so that
// the peak memory it reports belongs to that workload alone.
//
//   build/bench/spikernn_bench --workload single       one Go trial, all traces, port parity
//   build/bench/spikernn_bench --workload single-out   the same, output only
//   build/bench/spikernn_bench --workload grid         12 × 100 Go-NoGo grid search (20:75:5;
//                                                       --factors for others)
//   build/bench/spikernn_bench --workload mante        100 Mante trials (501 columns)
//   build/bench/spikernn_bench --workload scale --N 1000   one 20,000-step trial of a random
//                                                       Dale network of N units
//   build/bench/spikernn_bench --workload train        train the Go-NoGo rate RNN (N = 200,
//                                                       seed 1) until the termination rule
// Options: --noise torch|fast, --dtype float64|float32, --device cpu|cuda, --repeat R (best of R).
// Prints one JSON line: workload, settings, seconds, trials, peak_rss_mb (and the grid's
// accuracy, the scale workload's N and mean rate).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "spikernn/spikernn.hpp"

namespace {

// The shipped model, from SPIKERNN_SOURCE_DIR in the environment when set (a build run from another
// copy of the repository), else from the source folder built from.
const std::string kModel = [] {
  const char* dir = std::getenv("SPIKERNN_SOURCE_DIR");
  return std::string(dir != nullptr && *dir != '\0' ? dir : SPIKERNN_SOURCE_DIR) +
         "/models/go_nogo_N200_taus4-20_sigmoid.mat";
}();

// VmHWM of this process image; getrusage's ru_maxrss would also count a parent's peak, which
// it keeps across fork and exec.
double peak_rss_mb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return -1;
}

// A random Dale network of N units (20% inhibitory with 4× stronger synapses, so that inhibition
// balances excitation; 20% connectivity), for timing how cost grows with N at firing rates of the
// order of the trained model's.
spikernn::RateModel random_network(int64_t N, double gain) {
  torch::manual_seed(0);
  spikernn::RateModel m;
  m.N = N;
  const torch::Tensor mask = torch::rand({N, N}, torch::kFloat64).lt(0.2);
  m.w = torch::randn({N, N}, torch::kFloat64).abs() * mask * (gain / std::sqrt(0.2 * N));
  m.w0 = m.w.clone();
  m.inh = torch::rand({N}, torch::kFloat64).lt(0.2);
  m.w.index_put_({torch::indexing::Slice(), m.inh},
                 m.w.index({torch::indexing::Slice(), m.inh}) * 4);
  m.exc = m.inh.logical_not();
  m.m = torch::diag(torch::where(m.inh, -1.0, 1.0).to(torch::kFloat64));
  m.som_m = torch::ones({N, N}, torch::kFloat64);
  m.w_in = torch::randn({N, 1}, torch::kFloat64);
  m.w_out = torch::randn({1, N}, torch::kFloat64) / 100;
  m.taus = torch::tensor({4.0, 20.0}, torch::kFloat64);
  m.taus_gaus = torch::randn({N}, torch::kFloat64);
  m.taus_gaus0 = m.taus_gaus.clone();
  return m;
}

int run_bench(int argc, char** argv) {
  CLI::App app{"Timed spikernn workloads"};
  std::string workload = "single", noise = "torch", dtype = "float64", device = "cpu",
              factors = "20:75:5";
  int64_t N = 200;
  double gain = 1.5, rate_hz = 0;
  int repeat = 3;
  app.add_option("--workload", workload, "single, single-out, grid, mante, scale or train")
      ->required();
  app.add_option("--noise", noise, "torch or fast");
  app.add_option("--dtype", dtype, "float64 or float32");
  app.add_option("--device", device, "cpu or cuda");
  app.add_option("--factors", factors,
                 "Scaling factors of the grid workload, START:STOP:STEP or A,B");
  app.add_option("--N", N, "Units for the scale workload");
  app.add_option("--gain", gain, "Weight scale of the scale workload's random network");
  app.add_option("--repeat", repeat, "Best of this many runs (the last given counts)")
      ->check(CLI::PositiveNumber)
      ->take_last();
  CLI11_PARSE(app, argc, argv);

  spikernn::SpikingConfig config;
  config.noise = spikernn::enum_value(spikernn::noise_names(), noise, "noise");
  config.dtype = spikernn::enum_value(spikernn::float_type_names(), dtype, "dtype");
  config.device = device;
  int64_t trials = 1;
  std::vector<double> accuracy;
  std::function<void()> run;
  torch::Tensor go = torch::zeros({1, 201}, torch::kFloat64);
  go.index_put_({0, torch::indexing::Slice(50, 75)}, 1.0);

  if (workload == "single" || workload == "single-out") {
    const auto record = spikernn::Record::parse(workload == "single" ? "all" : "out");
    run = [&, record] {
      config.seed = 1;
      spikernn::LIF_network_fnc(kModel, 50.0, go, spikernn::Stims::none(), 1, false, config,
                                record);
    };
  } else if (workload == "grid") {
    const std::vector<double> scaling_factors = spikernn::parse_scaling_factors(factors);
    trials = 100 * static_cast<int64_t>(scaling_factors.size());
    run = [&, scaling_factors] {
      spikernn::GridSearchOptions o;
      o.model_path = kModel;
      o.scaling_factors = scaling_factors;
      o.n_trials_per_factor = 100;
      o.write_to_model = false;
      o.config = config;
      accuracy = spikernn::lambda_grid_search(o).accuracy;
    };
  } else if (workload == "mante") {
    trials = 100;
    run = [&] {
      spikernn::RateModel model = spikernn::load_rate_model(kModel);
      model.w_in = model.w_in.repeat({1, 4});  // timing only: a four-input variant of the model
      config.scaling_factor = 20;
      spikernn::LIFNetwork network(config, model);
      const auto task = spikernn::make_task("mante");
      std::mt19937_64 rng(0);
      spikernn::TrialRunOptions options;
      spikernn::run_trials(*network, task->sample_trials(100, rng), options);
    };
  } else if (workload == "scale") {
    config.seed = 1;
    config.scaling_factor = 20;
    spikernn::LIFNetwork network(config, random_network(N, gain));
    run = [network, &rate_hz,
           &go]() mutable {  // simulation only: building the network is not the step's cost
      rate_hz = network->simulate(go, spikernn::Stims::none(), spikernn::Record::parse("all_fr"))
                    .all_fr.mean()
                    .item<double>();
    };
  } else if (workload == "train") {
    run = [&] {
      spikernn::TrainingOptions o;  // Go-NoGo at N = 200 with the rate package's settings
      o.seed = 1;
      o.device = device;
      trials = spikernn::train_rate_rnn(o).trials;
    };
  } else {
    std::cerr << "unknown workload '" << workload << "'\n";
    return 2;
  }

  double best = 1e300;
  for (int i = 0; i < repeat; ++i) {
    const auto start = std::chrono::steady_clock::now();
    run();
    if (torch::cuda::is_available()) torch::cuda::synchronize();  // kernels still queued
    best = std::min(
        best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  nlohmann::json line{{"workload", workload},
                      {"noise", noise},
                      {"dtype", dtype},
                      {"device", device},
                      {"seconds", best},
                      {"trials", trials},
                      {"peak_rss_mb", peak_rss_mb()}};
  if (workload == "scale") {
    line["N"] = N;
    line["mean_rate_hz"] = rate_hz;
  }
  if (!accuracy.empty()) line["accuracy"] = accuracy;
  std::cout << line.dump() << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run_bench(argc, argv);
  } catch (const std::exception& e) {  // spikernn's errors and LibTorch's (c10::Error) alike
    std::cerr << "spikernn_bench: " << e.what() << "\n";
    return 1;
  }
}
