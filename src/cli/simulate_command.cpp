#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <random>

#include "cli_support.hpp"
#include "commands.hpp"
#include "run_settings.hpp"
#include "spikernn/core/error.hpp"
#include "spikernn/core/lif_network.hpp"
#include "spikernn/core/time_grid.hpp"
#include "spikernn/core/version.hpp"
#include "spikernn/io/mat_file.hpp"
#include "spikernn/io/model_file.hpp"
#include "spikernn/io/stimulus_file.hpp"
#include "spikernn/io/system_memory.hpp"

namespace spikernn::cli {
namespace {

struct SimulateFlags {
  std::string config, model, stimulus, stims_mode, record, output;
  double scaling_factor = 0;
  std::vector<int64_t> stims_dur, stims_units;
  uint64_t seed = 0;
  NetworkFlags network;
};

double scaling_factor_for(const SimulateSettings& s, const RateModel& model) {
  if (s.scaling_factor) {
    if (!(*s.scaling_factor > 0) || !std::isfinite(*s.scaling_factor))
      throw InvalidArgument(
          "--scaling-factor (or 'scaling_factor'): expected a positive, finite "
          "λ, found " +
          std::to_string(*s.scaling_factor));
    return *s.scaling_factor;
  }
  if (model.opt_scaling_factor) return *model.opt_scaling_factor;
  throw InvalidArgument("--scaling-factor: not given, and '" + model.path +
                        "' holds no opt_scaling_factor; give one (typically 20 to 80) or run a "
                        "grid search first");
}

std::vector<MatVariable> output_variables(const SimulationResult& r, const SimulateSettings& s) {
  std::vector<MatVariable> vars;
  for (auto [name, t] : {std::pair{"W", r.W},
                         {"REC", r.REC},
                         {"spk", r.spk},
                         {"rs", r.rs},
                         {"all_fr", r.all_fr},
                         {"out", r.out},
                         {"IPSCs", r.IPSCs},
                         {"spike_list", r.spike_list}})
    if (t.defined()) vars.push_back({name, t});
  vars.push_back({"dt", torch::tensor(r.dt, torch::kFloat64)});
  vars.push_back({"T", torch::tensor(r.T, torch::kFloat64)});
  vars.push_back({"nt", torch::tensor(r.nt)});
  vars.push_back({"td", r.td});
  vars.push_back({"td0", r.td0});
  vars.push_back({"w_out", r.w_out});
  vars.push_back({"scaling_factor", torch::tensor(r.scaling_factor, torch::kFloat64)});
  vars.push_back({"seed", torch::tensor(static_cast<int64_t>(r.seed.value_or(0)))});
  vars.push_back(MatVariable::string("spikernn_version", version()));
  vars.push_back(MatVariable::string("config", nlohmann::json(s).dump()));
  return vars;
}

void print_summary(const SimulationResult& r, const RateModel& model, double seconds) {
  const torch::Tensor exc = model.exc.to(r.all_fr.device());
  const torch::Tensor inh = model.inh.to(r.all_fr.device());
  const auto mean_rate = [&](const torch::Tensor& mask) {
    return mask.any().item<bool>() ? r.all_fr.index({mask}).mean().item<double>() : 0.0;
  };
  // Spikes as all_fr counts them (from step 10 on), so that the line is the same whatever is
  // recorded.
  std::printf(
      "%lld steps of %.3g ms (T = %.3f s), N = %lld, lambda = %g, seed %llu: %lld spikes, "
      "rate exc %.2f Hz, inh %.2f Hz; out: final %.4f, max %.4f; %.2f s\n",
      static_cast<long long>(r.nt), r.dt * 1000, r.T, static_cast<long long>(model.N),
      r.scaling_factor, static_cast<unsigned long long>(r.seed.value_or(0)),
      std::llround((r.all_fr * r.T).sum().item<double>()), mean_rate(exc), mean_rate(inh),
      r.out[-1].item<double>(), r.out.max().item<double>(), seconds);
}

void run_simulate(SimulateSettings s) {
  if (s.model.empty()) throw InvalidArgument("--model: required (or 'model' in --config)");
  if (s.stimulus.empty()) throw InvalidArgument("--stimulus: required (or 'stimulus' in --config)");
  // A run always has a seed, so that its output can be reproduced.
  if (!s.spiking.seed) s.spiking.seed = std::random_device{}();
  const Record record = Record::parse(s.record);
  if (!s.output.empty()) check_writable_destination(s.output);

  const RateModel model = load_rate_model(s.model);
  const torch::Tensor u = load_stimulus(s.stimulus);
  s.scaling_factor = scaling_factor_for(s, model);
  SpikingConfig config = s.spiking;
  config.N = model.N;
  config.scaling_factor = *s.scaling_factor;
  validate_spiking_config(config);

  // The summary needs the rates and the output even when the file should not hold them.
  Record run_record = record;
  run_record.all_fr = true;
  run_record.out = true;
  const auto start = std::chrono::steady_clock::now();
  LIFNetwork network(config, model);
  print_warnings(network->warnings());
  if (config.torch_device().is_cpu()) {
    const int64_t columns = (u.size(1) + config.downsample - 1) / config.downsample;
    check_trace_memory(run_record, 1, (columns - 1) * kStepsPerColumn, model.N,
                       torch::elementSize(config.torch_dtype()));
  }
  SimulationResult result = network->simulate(u, s.stims, run_record);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  print_summary(result, model, seconds);
  if (!s.output.empty()) {
    if (!record.all_fr) result.all_fr = torch::Tensor();
    if (!record.out) result.out = torch::Tensor();
    write_mat_file(s.output, output_variables(result, s));
  }
}

}  // namespace

void add_simulate_command(CLI::App& app) {
  auto flags = std::make_shared<SimulateFlags>();
  CLI::App* cmd = app.add_subcommand(
      "simulate", "Map a trained rate RNN onto an LIF network and simulate one trial");
  auto* config = cmd->add_option("--config", flags->config,
                                 "JSON file with the settings below as snake_case keys "
                                 "(paths relative to it); flags override it");
  auto* model = cmd->add_option("--model", flags->model, "Rate model (.mat)");
  auto* lambda = cmd->add_option("--scaling-factor", flags->scaling_factor,
                                 "λ dividing the weights (default: the model's "
                                 "opt_scaling_factor)");
  auto* stimulus = cmd->add_option("--stimulus", flags->stimulus,
                                   "Input u, n_inputs × columns: .mat (variable u) or .json");
  auto* mode = cmd->add_option("--stims-mode", flags->stims_mode,
                               "Artificial stimulation: none, exc (+0.5 mV) or inh (-0.5 mV)");
  auto* dur =
      cmd->add_option("--stims-dur", flags->stims_dur, "Stimulation window A,B in steps [A, B)")
          ->delimiter(',')
          ->expected(2);
  auto* units = cmd->add_option("--stims-units", flags->stims_units,
                                "Stimulated units, 0-based, comma-separated")
                    ->delimiter(',');
  auto* seed = add_seed_option(*cmd, flags->seed, "Random seed (default: drawn, and printed)");
  flags->network.add_to(*cmd);
  auto* record =
      cmd->add_option("--record", flags->record,
                      "Outputs to keep: all, or a list of W,REC,spk,rs,IPSCs,all_fr,out,spike_list "
                      "(the spikes as 0-based rows of step and unit, without the spk trace)");
  auto* output = cmd->add_option("--output", flags->output,
                                 "MAT file for the results (written to a temporary name, then "
                                 "renamed)");

  cmd->callback([=] {
    const SimulateFlags& f = *flags;
    SimulateSettings s;
    if (config->count()) s = load_simulate_settings(f.config);
    if (model->count()) s.model = f.model;
    if (lambda->count()) s.scaling_factor = f.scaling_factor;
    if (stimulus->count()) s.stimulus = f.stimulus;
    if (mode->count()) s.stims.mode = parse_stim_mode(f.stims_mode, "--stims-mode");
    if (dur->count()) s.stims.dur[0] = f.stims_dur.at(0), s.stims.dur[1] = f.stims_dur.at(1);
    if (units->count()) s.stims.units = f.stims_units;
    if (seed->count()) s.spiking.seed = f.seed;
    f.network.apply(s.spiking);
    if (record->count()) s.record = f.record;
    if (output->count()) s.output = f.output;
    run_simulate(std::move(s));
  });
}

}  // namespace spikernn::cli
