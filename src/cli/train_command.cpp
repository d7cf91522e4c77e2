#include <cstdio>
#include <filesystem>
#include <sstream>

#include "cli_support.hpp"
#include "commands.hpp"
#include "spikernn/core/error.hpp"
#include "spikernn/core/rate_training.hpp"
#include "spikernn/core/version.hpp"
#include "spikernn/io/atomic_file.hpp"
#include "spikernn/io/model_file.hpp"

namespace spikernn::cli {
namespace fs = std::filesystem;
namespace {

struct TrainFlags {
  std::string config, task = "go-nogo", act = "sigmoid", loss_fn = "l2", output_dir = ".",
                      device = "cpu";
  int64_t N = 200, som_N = 0, n_trials = 6000;
  double P_inh = 0.2, P_rec = 0.2, gain = 1.5, learning_rate = 0.01;
  bool apply_dale = true;
  std::vector<double> decay_taus{4, 20};
  uint64_t seed = 0;
  nlohmann::json task_settings = nlohmann::json::object();
};

const std::vector<std::string> kKeys{"task",          "task_settings", "N",          "P_inh",
                                     "P_rec",         "som_N",         "gain",       "apply_dale",
                                     "activation",    "loss_fn",       "decay_taus", "n_trials",
                                     "learning_rate", "output_dir",    "seed",       "device"};

// The rate package's file name, with the seed where it puts the time (so reruns find the file).
std::string model_file_name(const TrainingOptions& o) {
  std::ostringstream name;
  const auto& taus = o.network.decay_taus();
  name << "Task_" << o.task << "_N_" << o.network.N();
  if (taus.size() == 2)
    name << "_Taus_" << taus[0] << "_" << taus[1];
  else
    name << "_Tau_" << taus[0];
  name << "_Act_" << o.network.activation() << "_seed_" << o.seed << ".mat";
  return name.str();
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto f = std::make_shared<TrainFlags>();
  CLI::App* cmd = app.add_subcommand(
      "train", "Train a rate RNN on a task (the rate package's FR_RNN_dale) and save the model");
  cmd->add_option("--config", f->config, "JSON file with any of the settings below (snake_case)");
  auto* task = cmd->add_option("--task", f->task, "go-nogo (default), xor or mante");
  auto* N = cmd->add_option("--N", f->N, "Number of units (default 200)");
  auto* P_inh = cmd->add_option("--P-inh", f->P_inh, "Fraction of inhibitory units (default 0.2)");
  auto* P_rec = cmd->add_option("--P-rec", f->P_rec, "Connection probability (default 0.2)");
  auto* som_N = cmd->add_option("--som-N", f->som_N, "Somatostatin units (default 0)");
  auto* gain = cmd->add_option("--gain", f->gain, "Gain of the initial weights (default 1.5)");
  auto* dale =
      cmd->add_option("--apply-dale", f->apply_dale, "Dale's principle: true (default) or false");
  auto* act = cmd->add_option("--act", f->act, "sigmoid (default), clipped_relu or softplus");
  auto* loss = cmd->add_option("--loss-fn", f->loss_fn, "l2 (default) or l1");
  auto* taus = cmd->add_option("--decay-taus", f->decay_taus,
                               "Synaptic decay constants in steps: MIN MAX (trained, default 4 "
                               "20) or one fixed value")
                   ->expected(1, 2);
  auto* trials =
      cmd->add_option("--n-trials", f->n_trials, "Most trials to train on (default 6000)");
  auto* lr = cmd->add_option("--learning-rate", f->learning_rate, "Adam's (default 0.01)");
  auto* out = cmd->add_option("--output-dir", f->output_dir, "Folder for the model (default .)");
  auto* seed = cmd->add_option("--seed", f->seed, "Random seed (default 0)");
  auto* device = cmd->add_option("--device", f->device, "cpu (default), cuda or cuda:I");

  cmd->callback([=] {
    TrainFlags s;
    if (!f->config.empty()) {
      const CommandConfig c = load_command_config(f->config, kKeys, {"output_dir"});
      c.read("task", s.task);
      c.read_object("task_settings", s.task_settings);
      c.read("N", s.N);
      c.read("P_inh", s.P_inh);
      c.read("P_rec", s.P_rec);
      c.read("som_N", s.som_N);
      c.read("gain", s.gain);
      c.read("apply_dale", s.apply_dale);
      c.read("activation", s.act);
      c.read("loss_fn", s.loss_fn);
      c.read("decay_taus", s.decay_taus);
      c.read("n_trials", s.n_trials);
      c.read("learning_rate", s.learning_rate);
      c.read("output_dir", s.output_dir);
      c.read_seed("seed", s.seed);
      c.read("device", s.device);
    }
    const auto given = [](CLI::Option* o) { return o->count() > 0; };
    if (given(task)) s.task = f->task;
    if (given(N)) s.N = f->N;
    if (given(P_inh)) s.P_inh = f->P_inh;
    if (given(P_rec)) s.P_rec = f->P_rec;
    if (given(som_N)) s.som_N = f->som_N;
    if (given(gain)) s.gain = f->gain;
    if (given(dale)) s.apply_dale = f->apply_dale;
    if (given(act)) s.act = f->act;
    if (given(loss)) s.loss_fn = f->loss_fn;
    if (given(taus)) s.decay_taus = f->decay_taus;
    if (given(trials)) s.n_trials = f->n_trials;
    if (given(lr)) s.learning_rate = f->learning_rate;
    if (given(out)) s.output_dir = f->output_dir;
    if (given(seed)) s.seed = f->seed;
    if (given(device)) s.device = f->device;

    TrainingOptions o;
    o.task = s.task;
    o.task_settings = s.task_settings;
    o.network = RateRNNOptions(s.N)
                    .P_inh(s.P_inh)
                    .P_rec(s.P_rec)
                    .som_N(s.som_N)
                    .gain(s.gain)
                    .apply_dale(s.apply_dale)
                    .activation(s.act)
                    .decay_taus(s.decay_taus);
    o.loss_fn = s.loss_fn;
    o.n_trials = s.n_trials;
    o.learning_rate = s.learning_rate;
    o.seed = s.seed;
    o.device = s.device;
    // As the rate package does (os.makedirs): the output folder is created if needed.
    std::error_code ec;
    fs::create_directories(s.output_dir, ec);
    const std::string path = (fs::path(s.output_dir) / model_file_name(o)).string();
    check_writable_destination(path);
    o.on_evaluation = [](int64_t trial, double accuracy, double loss) {
      std::fprintf(stderr, "trial %6lld  accuracy %.2f  loss %.3f\n", static_cast<long long>(trial),
                   accuracy, loss);
    };
    InterruptGuard interrupt;
    o.cancel = &interrupt.flag();
    const TrainingResult r = train_rate_rnn(o);
    save_trained_model(r, path);
    std::printf("%s after %lld trials (%.1f s): accuracy %.2f, loss %.3f\nmodel: %s\n",
                r.success ? "trained" : "stopped without meeting the termination rule",
                static_cast<long long>(r.trials), r.seconds, r.eval_accuracy, r.eval_loss,
                path.c_str());
  });
}

}  // namespace spikernn::cli
