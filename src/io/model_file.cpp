#include "spikernn/io/model_file.hpp"

#include <cstdio>
#include <filesystem>
#include <map>

#include "spikernn/core/error.hpp"
#include "spikernn/io/atomic_file.hpp"
#include "spikernn/io/mat_file.hpp"

namespace spikernn {

RateModel load_rate_model(const std::string& path) {
  MatReader mat(path);
  std::map<std::string, torch::Tensor> arrays;
  // Required variables through read_numeric, whose error lists what the file holds.
  for (const char* name : {"N", "w", "m", "som_m", "w_in", "w_out", "inh", "exc", "taus"})
    arrays[name] = mat.read_numeric(name);
  const bool trained_taus = arrays["taus"].numel() > 1;
  for (const char* name : {"taus_gaus", "taus_gaus0"})
    if (trained_taus || mat.has(name)) arrays[name] = mat.read_numeric(name);
  for (const char* name : {"w0", "b_out", "opt_scaling_factor"})
    if (mat.has(name)) arrays[name] = mat.read_numeric(name);
  // The last training stimulus tells the original's Mante layout from the port's (4 inputs each).
  if (mat.has("u") && arrays["w_in"].dim() == 2 && arrays["w_in"].size(1) == 4)
    arrays["u"] = mat.read_numeric("u");
  RateModel model = rate_model_from_arrays(
      arrays, path, mat.has("activation") ? mat.read_string("activation") : "sigmoid");
  if (mat.has("task")) model.task = mat.read_string("task");
  return model;
}

SimulationResult LIF_network_fnc(const std::string& model_path, double scaling_factor,
                                 const torch::Tensor& u, const Stims& stims, int64_t downsample,
                                 bool use_initial_weights, SpikingConfig config,
                                 const Record& record) {
  return LIF_network_fnc(load_rate_model(model_path), scaling_factor, u, stims, downsample,
                         use_initial_weights, std::move(config), record);
}

void save_trained_model(const TrainingResult& r, const std::string& path) {
  check_writable_destination(path);
  const FRRNNDale& net = r.network;
  const auto f64 = [](const torch::Tensor& t) {
    return t.detach().to(torch::kCPU, torch::kFloat64);
  };
  const auto column = [&](const torch::Tensor& t) { return f64(t).reshape({-1, 1}); };
  const int64_t N = net->options.N();
  torch::Tensor losses = torch::zeros({r.options.n_trials}, torch::kFloat64);
  losses.slice(0, 0, static_cast<int64_t>(r.losses.size()))
      .copy_(torch::tensor(r.losses, torch::kFloat64));
  const torch::Tensor inh = column(net->inh);
  // Names and shapes as the rate package's savemat writes them; every array as double.
  std::vector<MatVariable> vars{
      {"x0", column(r.x0)},
      {"r0", column(r.r0)},
      {"w0", f64(r.w0)},
      {"taus_gaus0", column(r.taus_gaus0)},
      {"w_in0", f64(r.w_in0)},
      {"u", f64(r.u)},
      {"o", f64(r.o)},
      {"w", f64(net->w)},
      {"x", column(r.x)},
      {"target", f64(r.target)},
      {"w_out", f64(net->w_out)},
      {"r", column(r.r)},
      {"m", f64(net->mask)},
      {"som_m", f64(net->som_mask)},
      {"N", torch::tensor(N, torch::kLong)},
      {"exc", 1 - inh},
      {"inh", inh},
      {"w_in", f64(net->w_in)},
      {"b_out", f64(net->b_out)},
      {"som_N", torch::tensor(net->options.som_N(), torch::kLong)},
      {"losses", losses},
      {"taus", torch::tensor(net->options.decay_taus(), torch::kFloat64)},
      {"eval_perf_mean", torch::tensor(r.eval_accuracy, torch::kFloat64)},
      {"eval_loss_mean", torch::tensor(r.eval_loss, torch::kFloat64)},
      {"eval_os",
       r.eval_outputs.defined() ? r.eval_outputs : torch::zeros({0, 0}, torch::kFloat64)},
      {"eval_labels", torch::tensor(r.eval_labels, torch::kFloat64)},
      {"taus_gaus", column(net->taus_gaus)},
      {"tr", torch::tensor(r.trials - 1, torch::kLong)},
      MatVariable::string("activation", net->options.activation()),
      MatVariable::string("task", r.task),
      MatVariable::string("task_settings", r.task_settings.dump()),
      // The settings as `spikernn train --config` takes them, so that the run can be repeated.
      MatVariable::string("config", training_options_table().write(r.options).dump())};
  const std::string module_path = std::filesystem::path(path).replace_extension(".pt").string();
  const std::string temporary = temporary_name_for(module_path);
  try {
    torch::save(net, temporary);
  } catch (const std::exception& e) {
    std::remove(temporary.c_str());
    throw FileError("'" + module_path + "': cannot write the module: " + e.what());
  }
  write_mat_file(path, vars);
  commit_temporary(temporary, module_path);
}

}  // namespace spikernn
