#include "spikernn/rate_training.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "spikernn/error.hpp"
#include "spikernn/mat_file.hpp"
#include "spikernn/output_files.hpp"

namespace spikernn {

namespace {

void check_options(const TrainingOptions& o) {
  const auto fail = [](const std::string& what, const std::string& expected,
                       const std::string& found) {
    throw InvalidArgument("training " + what + ": expected " + expected + ", found " + found);
  };
  if (o.n_trials < 1) fail("n_trials", ">= 1", std::to_string(o.n_trials));
  if (!(o.learning_rate > 0)) fail("learning_rate", "> 0", std::to_string(o.learning_rate));
  if (o.loss_fn != "l1" && o.loss_fn != "l2") fail("loss_fn", "l1 or l2", "'" + o.loss_fn + "'");
  if (o.eval_freq < 1) fail("eval_freq", ">= 1", std::to_string(o.eval_freq));
  if (o.eval_trials < 1) fail("eval_trials", ">= 1", std::to_string(o.eval_trials));
  if (!(o.eval_amplitude > 0)) fail("eval_amplitude", "> 0", std::to_string(o.eval_amplitude));
}

torch::Device training_device(const std::string& name) {
  torch::Device device(torch::kCPU);
  try {
    device = torch::Device(name);
  } catch (const std::exception&) {
    throw InvalidArgument("device: expected cpu, cuda or cuda:I, found '" + name + "'");
  }
  if (device.is_cuda() && !torch::cuda::is_available())
    throw InvalidArgument("device '" + name + "': CUDA is not available");
  return device;
}

at::Generator seeded_generator(const torch::Device& device, uint64_t seed) {
  at::Generator g = at::globalContext().defaultGenerator(device).clone();
  std::lock_guard<std::mutex> lock(g.mutex());
  g.set_current_seed(seed);
  return g;
}

// Loss of each row of `o` (B × (T − 1)) against `z`: sqrt(Σ (o − z)²) or Σ |o − z|.
torch::Tensor trial_losses(const torch::Tensor& o, const torch::Tensor& z, const std::string& fn) {
  const torch::Tensor d = o - z;
  return fn == "l1" ? d.abs().sum(1) : d.pow(2).sum(1).sqrt();
}

torch::Tensor stack_targets(const AbstractSpikingTask& task, const std::vector<Trial>& trials) {
  std::vector<torch::Tensor> z;
  for (const Trial& t : trials) z.push_back(task.target(t));
  return torch::stack(z);
}

torch::Tensor stack_stimuli(const std::vector<Trial>& trials) {
  std::vector<torch::Tensor> u;
  for (const Trial& t : trials) u.push_back(t.u);
  return torch::stack(u);
}

}  // namespace

TrainingResult train_rate_rnn(const TrainingOptions& o) {
  check_options(o);
  const auto start = std::chrono::steady_clock::now();
  const std::unique_ptr<AbstractSpikingTask> task = make_task(o.task, o.task_settings);
  const torch::Device device = training_device(o.device);
  RateRNNOptions net_options = o.network;
  net_options.n_inputs(task->n_inputs());

  TrainingResult result;
  result.options = o;
  result.task = task->name();
  result.task_settings = task->settings();
  result.network = FRRNNDale(net_options, seeded_generator(torch::kCPU, o.seed));
  FRRNNDale& net = result.network;
  net->to(device);
  at::Generator noise = seeded_generator(device, o.seed + 1);
  std::mt19937_64 rng(o.seed);
  const auto f32 = torch::TensorOptions().dtype(torch::kFloat32).device(device);
  const int64_t min_trials = o.min_trials.value_or(task->name() == "go-nogo" ? 1500 : 0);

  result.w0 = net->w.detach().clone();
  result.w_in0 = net->w_in.clone();
  result.taus_gaus0 = net->taus_gaus.detach().clone();
  {
    torch::NoGradGuard no_grad;
    const RateRNNOutput first = net->forward(task->generate_stimulus("", rng).u, noise);
    result.x0 = first.x[0].select(1, 0).clone();
    result.r0 = first.r[0].select(1, 0).clone();
  }

  torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(o.learning_rate));
  for (int64_t tr = 0; tr < o.n_trials; ++tr) {
    if (o.cancel != nullptr && o.cancel->load())
      throw Interrupted("training interrupted after " + std::to_string(tr) + " trials");
    const Trial trial = task->generate_stimulus("", rng);
    const torch::Tensor z = task->target(trial).to(f32).unsqueeze(0);
    adam.zero_grad();
    const RateRNNOutput out = net->forward(trial.u, noise);
    const torch::Tensor loss = trial_losses(out.o, z, o.loss_fn).sum();
    loss.backward();
    adam.step();
    result.losses.push_back(loss.item<double>());
    result.trials = tr + 1;
    result.u = trial.u;
    result.target = z.squeeze(0).detach();
    result.o = out.o[0].detach();
    result.x = out.x[0].select(1, -1).detach();
    result.r = out.r[0].select(1, -1).detach();

    // The rate package's schedule: after trials 1, 1 + eval_freq, 1 + 2·eval_freq, ...
    if ((tr - 1) % o.eval_freq != 0) continue;
    torch::NoGradGuard no_grad;
    const std::vector<Trial> eval = task->sample_trials(o.eval_trials, rng);
    const torch::Tensor eval_o = net->forward(stack_stimuli(eval), noise).o;
    const torch::Tensor eval_z = stack_targets(*task, eval).to(f32);
    result.eval_loss = trial_losses(eval_o, eval_z, o.loss_fn).mean().item<double>();
    result.eval_outputs = eval_o.to(torch::kCPU, torch::kFloat64);
    result.eval_labels.clear();
    int64_t correct = 0;
    for (size_t i = 0; i < eval.size(); ++i) {
      correct += task->rate_output_correct(result.eval_outputs[static_cast<int64_t>(i)], eval[i],
                                           o.eval_amplitude);
      result.eval_labels.push_back(eval[i].label);
    }
    result.eval_accuracy = static_cast<double>(correct) / static_cast<double>(eval.size());
    if (o.on_evaluation) o.on_evaluation(tr, result.eval_accuracy, result.eval_loss);
    if (result.eval_loss < o.loss_threshold && result.eval_accuracy > o.accuracy_threshold &&
        tr > min_trials) {
      result.success = true;
      break;
    }
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
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
      MatVariable::string("task_settings", r.task_settings.dump())};
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
