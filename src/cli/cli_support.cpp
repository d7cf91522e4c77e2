#include "cli_support.hpp"

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <set>

#include "spikernn/core/error.hpp"
#include "spikernn/core/grid_search.hpp"
#include "spikernn/core/json_fields.hpp"
#include "spikernn/io/atomic_file.hpp"
#include "spikernn/io/config_file.hpp"
#include "spikernn/io/grid_search_file.hpp"

namespace spikernn::cli {

void print_warnings(const std::vector<std::string>& messages) {
  static std::mutex mutex;
  static std::set<std::string> seen;
  std::lock_guard<std::mutex> lock(mutex);
  for (const std::string& message : messages)
    if (seen.insert(message).second) std::cerr << "spikernn: warning: " << message << '\n';
}
namespace fs = std::filesystem;

CommandConfig::CommandConfig(const std::string& path, std::vector<std::string> keys,
                             const std::vector<std::string>& path_keys)
    : CommandConfig(path, read_json_file(path), std::move(keys), path_keys) {}

CommandConfig::CommandConfig(std::string name, nlohmann::json json, std::vector<std::string> keys,
                             const std::vector<std::string>& path_keys)
    : path_(std::move(name)), json_(std::move(json)) {
  if (!json_.is_object())
    throw ConfigError("'" + path_ + "': expected a JSON object of settings, found " +
                      json_.type_name());
  keys.push_back("description");
  try {
    json_fields::reject_unknown_keys(json_, keys, "config");
    for (const auto& key : path_keys) {
      std::string value;
      json_fields::read(json_, key, value);
      if (!value.empty()) json_[key] = relative_to_config(path_, value);
    }
  } catch (const Error& e) {
    throw ConfigError("'" + path_ + "': " + e.what());
  }
}

std::string relative_to_config(const std::string& config_file, const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  return (fs::path(config_file).parent_path() / path).lexically_normal().string();
}

std::string absolute_path(const std::string& path) {
  return path.empty() ? path : fs::absolute(path).lexically_normal().string();
}

template <typename T>
void CommandConfig::read(const std::string& key, T& out) const {
  try {
    json_fields::read(json_, key, out);
  } catch (const Error& e) {
    throw ConfigError("'" + path_ + "': " + e.what());
  }
}
template void CommandConfig::read(const std::string&, std::string&) const;
template void CommandConfig::read(const std::string&, int64_t&) const;
template void CommandConfig::read(const std::string&, bool&) const;
template void CommandConfig::read(const std::string&, std::optional<double>&) const;

void CommandConfig::read_object(const std::string& key, nlohmann::json& out) const {
  if (!json_.contains(key)) return;
  if (!json_[key].is_object())
    throw ConfigError("'" + path_ + "': key '" + key + "': expected an object, found " +
                      json_[key].type_name());
  out = json_[key];
}

void CommandConfig::read_seed(const std::string& key, uint64_t& out) const {
  std::optional<uint64_t> seed;
  read(key, seed);
  if (seed) out = *seed;
}
template void CommandConfig::read(const std::string&, std::optional<uint64_t>&) const;

void CommandConfig::read_scaling_factors(const std::string& key, std::vector<double>& out) const {
  if (!json_.contains(key)) return;
  const nlohmann::json& v = json_[key];
  try {
    if (v.is_string()) {
      out = parse_scaling_factors(v.get<std::string>(), "key '" + key + "'");
    } else if (v.is_array() &&
               std::all_of(v.begin(), v.end(), [](auto& e) { return e.is_number(); })) {
      out = parse_scaling_factors(v.empty() ? "" : [&] {
        std::string list;
        for (const auto& e : v) list += (list.empty() ? "" : ",") + e.dump();
        return list;
      }(), "key '" + key + "'");
    } else {
      throw ConfigError("key '" + key +
                        "': expected \"START:STOP:STEP\", \"A,B,C\" or an array "
                        "of numbers, found " +
                        std::string(v.type_name()));
    }
  } catch (const Error& e) {
    throw ConfigError("'" + path_ + "': " + e.what());
  }
}

void CommandConfig::read_network(SpikingConfig& config) const {
  read_table(spiking_config_table(), config, NetworkFlags::keys());
}

const std::vector<std::string>& NetworkFlags::keys() {
  static const std::vector<std::string> k = [] {
    std::vector<std::string> keys;
    for (const std::string& key : spiking_config_table().keys())
      if (key != "N" && key != "scaling_factor" && key != "seed") keys.push_back(key);
    return keys;
  }();
  return k;
}

namespace {

// `perturbations` has flags of its own (PerturbationFlags), not one taking an object.
std::vector<std::string> network_flag_keys() {
  std::vector<std::string> keys = NetworkFlags::keys();
  keys.erase(std::remove(keys.begin(), keys.end(), "perturbations"), keys.end());
  return keys;
}

}  // namespace

NetworkFlags::NetworkFlags() : flags_(spiking_config_table(), network_flag_keys()) {}

void NetworkFlags::add_to(CLI::App& command, const SpikingConfig& defaults) {
  flags_.add_to(command, defaults);
  perturbations_.add_to(command);
}

void NetworkFlags::apply(SpikingConfig& config) const {
  flags_.apply(config);
  perturbations_.apply(config.perturbations);
}

void add_task_setting(const std::string& text, nlohmann::json& settings) {
  const size_t equals = text.find('=');
  if (equals == std::string::npos || equals == 0)
    throw InvalidArgument("--task-setting: expected KEY=VALUE (for example stim_on=50), found '" +
                          text + "'");
  const std::string value = text.substr(equals + 1);
  nlohmann::json parsed = nlohmann::json::parse(value, nullptr, false);
  settings[text.substr(0, equals)] = parsed.is_discarded() ? nlohmann::json(value) : parsed;
}

void TaskRunFlags::add_to(CLI::App& command, const std::string& model_help,
                          const std::string& trials_help, int64_t default_trials,
                          const std::string& plots_help) {
  default_trials_ = default_trials;
  config_option_ = command.add_option("--config", config_,
                                      "JSON file with the settings below as snake_case keys "
                                      "(paths relative to it); flags override it");
  model_option_ = command.add_option("--model", model_, model_help);
  task_option_ = command.add_option(
      "--task", task_,
      "go-nogo (default; also go_nogo), xor, dms, mante (the layout the model was trained with) or "
      "mante-original");
  command.add_option(
      "--task-setting", task_setting_,
      "KEY=VALUE for the task's settings (repeatable; over the config's task_settings), for "
      "example stim_on=50");
  trials_option_ = command.add_option(
      "--trials", trials_, trials_help + " (default " + std::to_string(default_trials) + ")");
  seed_option_ = add_seed_option(command, seed_, "Random seed (default 0)");
  batch_option_ =
      command.add_option("--batch-size", batch_size_,
                         "Trials simulated together (default " + std::to_string(kDefaultBatchSize) +
                             "; results depend on it)");
  network_.add_to(command, task_run_config());
  json_option_ = command.add_option("--json", json_, "Write the results as JSON to this file");
  plots_option_ = command.add_option("--plots", plots_, plots_help);
}

TaskRunSettings TaskRunFlags::resolve(
    const std::vector<std::string>& extra_keys,
    const std::function<void(const CommandConfig&)>& read_extra) const {
  TaskRunSettings s;
  s.trials = default_trials_;
  if (config_option_->count()) {
    std::vector<std::string> keys = config_keys();
    keys.insert(keys.end(), extra_keys.begin(), extra_keys.end());
    const CommandConfig c = load_command_config(config_, keys, {"model", "json", "plots"});
    s = read_config(c, default_trials_);
    read_extra(c);
  }
  if (model_option_->count()) s.model = model_;
  if (task_option_->count()) s.task = task_;
  for (const std::string& setting : task_setting_) add_task_setting(setting, s.task_settings);
  if (trials_option_->count()) s.trials = trials_;
  if (seed_option_->count()) s.seed = seed_;
  if (batch_option_->count()) s.batch_size = batch_size_;
  if (json_option_->count()) s.json = json_;
  if (plots_option_->count()) s.plots = plots_;
  network_.apply(s.config);
  if (s.model.empty()) throw InvalidArgument("--model: required (or 'model' in --config)");
  s.models = mat_files_in(s.model);
  s.folder = fs::is_directory(s.model);
  validate_spiking_config(s.config);
  if (!s.json.empty()) check_writable_destination(s.json);
  return s;
}

std::vector<std::string> TaskRunFlags::config_keys() {
  std::vector<std::string> keys = {"model", "task",       "task_settings", "trials",
                                   "seed",  "batch_size", "json",          "plots"};
  keys.insert(keys.end(), NetworkFlags::keys().begin(), NetworkFlags::keys().end());
  return keys;
}

TaskRunSettings TaskRunFlags::read_config(const CommandConfig& c, int64_t default_trials) {
  TaskRunSettings s;
  s.trials = default_trials;
  c.read("model", s.model);
  c.read("task", s.task);
  c.read_object("task_settings", s.task_settings);
  c.read("trials", s.trials);
  c.read_seed("seed", s.seed);
  c.read("batch_size", s.batch_size);
  c.read("json", s.json);
  c.read("plots", s.plots);
  c.read_network(s.config);
  return s;
}

void to_json(nlohmann::json& j, const TaskRunSettings& s) {
  j = s.config;
  j.erase("N");
  j.erase("scaling_factor");
  j.erase("seed");
  j["model"] = absolute_path(s.model);
  j["task"] = s.task;
  j["task_settings"] = s.task_settings;
  j["trials"] = s.trials;
  j["seed"] = s.seed;
  j["batch_size"] = s.batch_size;
  j["json"] = absolute_path(s.json);
  j["plots"] = absolute_path(s.plots);
}

namespace {

std::atomic<bool> interrupted{false};

void on_interrupt(int) {
  interrupted = true;
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C ends the process at once
}

}  // namespace

InterruptGuard::InterruptGuard() {
  interrupted = false;
  std::signal(SIGINT, on_interrupt);
}

InterruptGuard::~InterruptGuard() { std::signal(SIGINT, SIG_DFL); }

const std::atomic<bool>& InterruptGuard::flag() const { return interrupted; }

}  // namespace spikernn::cli
