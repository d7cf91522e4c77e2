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
  struct Flags {
    std::string config, output_dir;
    SettingsFlags<TrainingOptions> settings{
        training_options_table(), training_options_table().keys(), {{"activation", "--act"}}};
  };
  auto f = std::make_shared<Flags>();
  CLI::App* cmd = app.add_subcommand(
      "train", "Train a rate RNN on a task (the rate package's FR_RNN_dale) and save the model");
  cmd->add_option("--config", f->config,
                  "JSON file with any of the settings below as snake_case keys (output_dir "
                  "relative to it); flags override it");
  f->settings.add_to(*cmd);
  auto* out = cmd->add_option("--output-dir", f->output_dir, "Folder for the model (default .)");

  cmd->callback([=] {
    TrainingOptions o;
    std::string output_dir = ".";
    if (!f->config.empty()) {
      std::vector<std::string> keys = training_options_table().keys();
      keys.push_back("output_dir");
      const CommandConfig c = load_command_config(f->config, keys, {"output_dir"});
      c.read_table(training_options_table(), o);
      c.read("output_dir", output_dir);
    }
    f->settings.apply(o);
    if (out->count()) output_dir = f->output_dir;
    // As the rate package does (os.makedirs): the output folder is created if needed.
    std::error_code ec;
    fs::create_directories(output_dir, ec);
    const std::string path = (fs::path(output_dir) / model_file_name(o)).string();
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
