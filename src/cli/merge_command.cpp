#include <map>

#include "cli_support.hpp"
#include "commands.hpp"
#include "spikernn/core/error.hpp"
#include "spikernn/io/atomic_file.hpp"
#include "spikernn/io/config_file.hpp"
#include "task_command.hpp"

namespace spikernn::cli {
namespace {

// A shard's part file (task_command.cpp writes them), checked for the keys merge reads.
struct Part {
  std::string file;
  nlohmann::json json;
  int64_t index = 0, count = 0;
};

Part read_part(const std::string& file) {
  Part p{file, read_json_file(file), 0, 0};
  try {
    for (const char* key :
         {"spikernn_version", "command", "config", "models", "shard", "units", "scores"})
      if (!p.json.contains(key))
        throw InvalidArgument(std::string("no '") + key +
                              "': expected a part written by `spikernn grid-search|eval --shard`");
    p.index = p.json["shard"].at("index").get<int64_t>();
    p.count = p.json["shard"].at("count").get<int64_t>();
    if (p.count < 1 || p.index < 1 || p.index > p.count)
      throw InvalidArgument("'shard': expected 1 <= index <= count, found " +
                            p.json["shard"].dump());
  } catch (const nlohmann::json::exception& e) {
    throw InvalidArgument("'" + file + "': " + e.what());
  } catch (const Error& e) {
    throw InvalidArgument("'" + file + "': " + e.what());
  }
  return p;
}

// Parts of one run: the same command, settings, models, spikernn and number of shards, each
// shard once.
void check_one_run(const std::vector<Part>& parts) {
  const Part& first = parts.front();
  std::map<int64_t, std::string> seen;
  for (const Part& p : parts) {
    for (const char* key : {"spikernn_version", "command", "config", "models", "units"})
      if (p.json[key] != first.json[key])
        throw InvalidArgument("'" + p.file + "': belongs to another run than '" + first.file +
                              "' (its '" + key + "' differs)");
    if (p.count != first.count)
      throw InvalidArgument("'" + p.file + "': belongs to another run than '" + first.file +
                            "' (shards of " + std::to_string(p.count) + ", not " +
                            std::to_string(first.count) + ")");
    const auto [it, inserted] = seen.emplace(p.index, p.file);
    if (!inserted)
      throw InvalidArgument("'" + p.file + "': shard " + std::to_string(p.index) + "/" +
                            std::to_string(p.count) + " given twice (also '" + it->second + "')");
  }
  for (int64_t i = 1; i <= first.count; ++i)
    if (seen.count(i) == 0)
      throw InvalidArgument("shard " + std::to_string(i) + "/" + std::to_string(first.count) +
                            " missing: merge needs all " + std::to_string(first.count) +
                            " parts of the run");
}

void merge(const std::vector<std::string>& files, const std::string& json) {
  std::vector<Part> parts;
  for (const std::string& file : files) parts.push_back(read_part(file));
  check_one_run(parts);
  if (!json.empty()) check_writable_destination(json);
  const Part& first = parts.front();
  const nlohmann::json& config = first.json["config"];
  std::vector<std::string> keys;
  for (const auto& item : config.items()) keys.push_back(item.key());
  const CommandConfig recorded(first.file, config, keys, {});
  const std::vector<std::string> models = first.json["models"].get<std::vector<std::string>>();
  const std::string command = first.json["command"].get<std::string>();
  std::unique_ptr<TaskCommand> c;
  if (command == "grid-search")
    c = grid_search_command_from(recorded, models, json);
  else if (command == "eval")
    c = eval_command_from(recorded, models, json);
  else
    throw InvalidArgument("'" + first.file + "': 'command': expected grid-search or eval, found '" +
                          command + "'");

  std::vector<UnitScores> scores;
  double seconds = 0;  // the run's wall time: its slowest shard's
  for (const Part& p : parts) {
    try {
      for (const nlohmann::json& unit : p.json["scores"]) scores.push_back(unit.get<UnitScores>());
    } catch (const std::exception& e) {
      throw InvalidArgument("'" + p.file + "': 'scores': " + e.what());
    }
    seconds = std::max(seconds, p.json.value("seconds", 0.0));
  }
  const std::vector<UnitScores> all = c->run().collect(std::move(scores));
  c->prepare();
  c->finish(all, seconds);
}

}  // namespace

void add_merge_command(CLI::App& app) {
  struct Flags {
    std::vector<std::string> parts;
    std::string json;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* cmd = app.add_subcommand(
      "merge",
      "Combine the parts of a run sharded with --shard I/N into the one-process result: the "
      "table, the JSON and (grid-search) the write-back into the models");
  cmd->add_option("parts", f->parts, "The part files, one per shard, in any order")->required();
  cmd->add_option("--json", f->json, "Write the merged results as JSON to this file");
  cmd->callback([=] { merge(f->parts, f->json); });
}

}  // namespace spikernn::cli
