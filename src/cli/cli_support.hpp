// Pieces shared by the subcommands: strict config files and Ctrl-C handling.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "perturbation_flags.hpp"
#include "settings_flags.hpp"
#include "spikernn/core/spiking_config.hpp"
#include "spikernn/core/trial_runner.hpp"

namespace spikernn::cli {

// A command's JSON config: only `keys` (and "description") are allowed, and the values of
// `path_keys` are taken relative to the config file. Read errors name the file and the key.
class CommandConfig {
 public:
  CommandConfig(const std::string& path, std::vector<std::string> keys,
                const std::vector<std::string>& path_keys);
  // A config held in another file (a shard's part): `name` is that file, for messages.
  CommandConfig(std::string name, nlohmann::json json, std::vector<std::string> keys,
                const std::vector<std::string>& path_keys);

  template <typename T>
  void read(const std::string& key, T& out) const;
  void read_object(const std::string& key, nlohmann::json& out) const;
  void read_seed(const std::string& key, uint64_t& out) const;
  // A "START:STOP:STEP" / "A,B,C" string or an array of numbers.
  void read_scaling_factors(const std::string& key, std::vector<double>& out) const;
  // The network keys (see NetworkFlags) into `config`.
  void read_network(SpikingConfig& config) const;
  // The keys of `table` (those in `only`, when given) that the file has, through the table.
  template <typename S>
  void read_table(const SettingsTable<S>& table, S& out,
                  const std::vector<std::string>& only = {}) const {
    nlohmann::json part = nlohmann::json::object();
    for (const std::string& key : only.empty() ? table.keys() : only)
      if (json_.contains(key)) part[key] = json_[key];
    try {
      table.read(part, out);
    } catch (const Error& e) {
      throw ConfigError("'" + path_ + "': " + e.what());
    }
  }

 private:
  std::string path_;
  nlohmann::json json_;
};

// `path` as written in the config file `config_file`: relative paths start at the file's folder.
std::string relative_to_config(const std::string& config_file, const std::string& path);
// `path` made absolute, so that the config an output records reruns from any folder.
std::string absolute_path(const std::string& path);

// Prints "spikernn: warning: MESSAGE" on stderr for each message this process has not printed.
void print_warnings(const std::vector<std::string>& messages);

// `--seed`. CLI11 reads "-1" into an unsigned integer as 2^64 - 1, so the flag takes digits only,
// as a config's "seed" does.
inline CLI::Option* add_seed_option(CLI::App& command, uint64_t& seed, const std::string& help) {
  return command.add_option("--seed", seed, help)
      ->check(CLI::Validator(
          [](std::string& text) {
            const bool digits = !text.empty() && text.find_first_not_of("0123456789") == text.npos;
            return digits ? std::string()
                          : "expected an integer from 0 to 2^64 - 1, found '" + text + "'";
          },
          "SEED"));
}

inline CommandConfig load_command_config(const std::string& path, std::vector<std::string> keys,
                                         const std::vector<std::string>& path_keys) {
  return CommandConfig(path, std::move(keys), path_keys);
}

// "KEY=VALUE" of --task-setting into `settings`: VALUE as JSON when it parses (numbers, true,
// arrays), else as a string; the task's table checks it when the task is made.
void add_task_setting(const std::string& text, nlohmann::json& settings);

// The flags every command has for the network and how it runs: one per SpikingConfig key but N
// (the model's), scaling_factor and seed (each command's own): --dt, --downsample, --tref, ...,
// --use-initial-weights, --device, --dtype, --engine, --noise, --clamp-negative-weights, and for
// `perturbations` the flags of PerturbationFlags (perturbation_flags.hpp).
class NetworkFlags {
 public:
  NetworkFlags();
  // The config keys, `perturbations` included.
  static const std::vector<std::string>& keys();
  // `defaults`: the command's (their values show in the help).
  void add_to(CLI::App& command, const SpikingConfig& defaults = SpikingConfig{});
  void apply(SpikingConfig& config) const;  // the flags that were given override `config`

 private:
  SettingsFlags<SpikingConfig> flags_;
  PerturbationFlags perturbations_;
};

// What grid-search and eval share: the model, the task and its trials, where results go, and the
// engine. Each setting comes from --config (snake_case keys, paths relative to the file) and is
// overridden by its flag.
struct TaskRunSettings {
  std::string model, task = "go-nogo", json, plots;
  std::vector<std::string> models;  // the model file, or every .mat file of the model folder
  bool folder = false;              // whether `model` names a folder
  nlohmann::json task_settings = nlohmann::json::object();
  int64_t trials = 0, batch_size = kDefaultBatchSize;  // trials: the command's default
  uint64_t seed = 0;
  SpikingConfig config = task_run_config();  // fast noise unless --noise torch
};

// The settings as config keys, recorded in every JSON output so that a run can be repeated.
void to_json(nlohmann::json& j, const TaskRunSettings& settings);

class TaskRunFlags {
 public:
  // `default_trials` is the library's default for the command.
  void add_to(CLI::App& command, const std::string& model_help, const std::string& trials_help,
              int64_t default_trials, const std::string& plots_help);
  // `extra_keys` are the command's own config keys, which `read_extra` reads.
  TaskRunSettings resolve(const std::vector<std::string>& extra_keys,
                          const std::function<void(const CommandConfig&)>& read_extra) const;
  // The keys every task command's config has, and the settings `config` gives (over the
  // defaults, with `default_trials` trials).
  static std::vector<std::string> config_keys();
  static TaskRunSettings read_config(const CommandConfig& config, int64_t default_trials);

 private:
  std::string config_, model_, task_, json_, plots_;
  int64_t trials_ = 0, batch_size_ = 0, default_trials_ = 0;
  uint64_t seed_ = 0;
  NetworkFlags network_;
  std::vector<std::string> task_setting_;
  CLI::Option *config_option_ = nullptr, *model_option_ = nullptr, *task_option_ = nullptr,
              *json_option_ = nullptr, *plots_option_ = nullptr, *trials_option_ = nullptr,
              *batch_option_ = nullptr, *seed_option_ = nullptr;
};

// While alive, Ctrl-C (SIGINT) sets `flag()` instead of killing the process, so that long runs
// stop between batches and leave their files untouched; a second Ctrl-C kills as usual.
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  const std::atomic<bool>& flag() const;
};

}  // namespace spikernn::cli
