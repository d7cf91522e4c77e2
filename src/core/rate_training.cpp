#include "spikernn/core/rate_training.hpp"

#include <chrono>

#include "generators.hpp"
#include "spikernn/core/error.hpp"

namespace spikernn {

const SettingsTable<TrainingOptions>& training_options_table() {
  using O = TrainingOptions;
  // The network's options are TORCH_ARGs: reached through their accessors.
#define SPIKERNN_NETWORK_OPTION(T, name)                                   \
  std::function<T(const O&)>([](const O& o) { return o.network.name(); }), \
      std::function<void(O&, T)>([](O& o, T v) { o.network.name(v); })
  static const SettingsTable<O> table = [] {
    SettingsTable<O> t("training settings");
    t.add("task", &O::task, "go-nogo, xor, dms or mante")
        .add("task_settings", &O::task_settings, "The task's settings (a JSON object)")
        .add<int64_t>("N", SPIKERNN_NETWORK_OPTION(int64_t, N), "Number of units")
        .add<double>("P_inh", SPIKERNN_NETWORK_OPTION(double, P_inh),
                     "Fraction of inhibitory units")
        .add<double>("P_rec", SPIKERNN_NETWORK_OPTION(double, P_rec), "Connection probability")
        .add<int64_t>("som_N", SPIKERNN_NETWORK_OPTION(int64_t, som_N), "Somatostatin units")
        .add<std::string>("w_dist", SPIKERNN_NETWORK_OPTION(std::string, w_dist),
                          "Initial weights: gaus or gamma")
        .add<double>("gain", SPIKERNN_NETWORK_OPTION(double, gain), "Gain of the initial weights")
        .add<bool>("apply_dale", SPIKERNN_NETWORK_OPTION(bool, apply_dale),
                   "Dale's principle: true or false")
        .add<std::string>("activation", SPIKERNN_NETWORK_OPTION(std::string, activation),
                          "sigmoid, clipped_relu or softplus")
        .add<std::vector<double>>("decay_taus",
                                  SPIKERNN_NETWORK_OPTION(std::vector<double>, decay_taus),
                                  "Synaptic decay constants in steps: MIN MAX (trained) or one "
                                  "fixed value")
        .add<double>("noise_std", SPIKERNN_NETWORK_OPTION(double, noise_std),
                     "Standard deviation of the rate network's noise")
        .add("loss_fn", &O::loss_fn, "l2 or l1")
        .add("n_trials", &O::n_trials, "Most trials to train on")
        .add("learning_rate", &O::learning_rate, "Adam's learning rate")
        .add("loss_threshold", &O::loss_threshold, "Stop once the evaluation loss is below this")
        .add("accuracy_threshold", &O::accuracy_threshold,
             "... and the evaluation accuracy above this")
        .add("eval_amplitude", &O::eval_amplitude, "Response threshold of the evaluation")
        .add("eval_freq", &O::eval_freq, "Trials between evaluations")
        .add("eval_trials", &O::eval_trials, "Trials of an evaluation")
        .add("seed", &O::seed, "Random seed")
        .add("device", &O::device, "cpu, cuda or cuda:I");
    return t;
  }();
#undef SPIKERNN_NETWORK_OPTION
  return table;
}

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

}  // namespace spikernn
