#include "task_command.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "mpi_world.hpp"
#include "progress.hpp"
#include "spikernn/core/error.hpp"
#include "spikernn/core/version.hpp"
#include "spikernn/io/atomic_file.hpp"

namespace spikernn::cli {
namespace {

namespace fs = std::filesystem;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void refuse_outputs_in_parts(const TaskCommand& c, const std::string& how) {
  if (c.run().options().keep_outputs)
    throw InvalidArgument(c.name() + " --plots " + how +
                          ": the figures need every trial's outputs in one process; run without "
                          "it for figures");
}

// `whole`: this process runs every unit, and the command may store each model as it is done.
std::vector<UnitScores> run_part(TaskCommand& c, const RunPart& part, bool show_progress,
                                 const std::atomic<bool>* cancel, bool whole = false) {
  ProgressBar progress(c.name(), c.run().trial_count(part), show_progress);
  std::vector<UnitScores> scores;
  TaskRun::ModelDone model_done;
  if (whole)
    model_done = [&](size_t m, const std::vector<UnitScores>& units) { c.model_done(m, units); };
  try {
    scores = c.run().run(
        part, [&](int64_t done) { progress.update(done); }, cancel, model_done);
  } catch (const Interrupted& e) {
    throw Interrupted(c.name() + " " + e.what() + "; " +
                      (whole ? c.written_when_interrupted() : "nothing was written"));
  }
  progress.finish();
  return scores;
}

// A part names its models by absolute path: `spikernn merge` may run in another folder.
std::vector<std::string> absolute_paths(const std::vector<std::string>& files) {
  std::vector<std::string> paths;
  for (const std::string& f : files) paths.push_back(fs::absolute(f).lexically_normal().string());
  return paths;
}

void run_shard(TaskCommand& c, const RunPart& part, const std::atomic<bool>* cancel) {
  const std::string& file = c.settings().json;
  if (file.empty())
    throw InvalidArgument("--shard: needs --json, the file that receives the part's scores");
  refuse_outputs_in_parts(c, "with --shard");
  const auto start = std::chrono::steady_clock::now();
  const std::vector<UnitScores> scores = run_part(c, part, true, cancel);
  nlohmann::json config = c.config();
  config.erase("json");  // each shard names its own part file
  const nlohmann::json j = {{"spikernn_version", version()},
                            {"command", c.name()},
                            {"config", config},
                            {"models", absolute_paths(c.models())},
                            {"shard", {{"index", part.index + 1}, {"count", part.count}}},
                            {"units", c.run().unit_count()},
                            {"seconds", seconds_since(start)},
                            {"scores", scores}};
  write_text_file(file, j.dump());
  std::printf(
      "%s shard %lld/%lld: %zu of %lld units (%lld trials) in %.1f s, written to %s\n",
      c.name().c_str(), static_cast<long long>(part.index + 1), static_cast<long long>(part.count),
      scores.size(), static_cast<long long>(c.run().unit_count()),
      static_cast<long long>(c.run().trial_count(part)), seconds_since(start), file.c_str());
}

// Every rank runs its part; rank 0 gathers the scores, or the first rank's error, and finishes.
void run_rank(const TaskCommandMaker& make, const std::atomic<bool>* cancel) {
  const MpiWorld& world = mpi_world();
  const auto start = std::chrono::steady_clock::now();
  std::unique_ptr<TaskCommand> command;
  nlohmann::json message;
  try {
    command = make();
    if (command) {
      refuse_outputs_in_parts(*command, "under mpirun");
      if (world.rank() == 0) command->prepare();
    }
    if (command)
      message = {
          {"config", command->config()},
          {"models", command->models()},
          {"scores", run_part(*command, {world.rank(), world.size()}, world.rank() == 0, cancel)}};
  } catch (const Interrupted& e) {
    message = {{"error", e.what()}, {"interrupted", true}};
  } catch (const std::exception& e) {
    message = {{"error", e.what()}};
  }
  const std::vector<std::string> texts = world.gather(message.dump());
  if (world.rank() != 0) return;  // rank 0 reports for the job
  std::vector<nlohmann::json> messages;
  for (size_t r = 0; r < texts.size(); ++r) {
    messages.push_back(nlohmann::json::parse(texts[r]));
    const nlohmann::json& j = messages.back();
    if (!j.contains("error")) continue;
    const std::string text = "rank " + std::to_string(r) + " of " + std::to_string(texts.size()) +
                             ": " + j["error"].get<std::string>() +
                             (r == 0 ? "" : "; nothing was written");
    if (j.contains("interrupted")) throw Interrupted(text);
    throw Error(text);
  }
  if (!command) return;  // nothing to run (it said why)
  std::vector<UnitScores> scores;
  for (size_t r = 0; r < messages.size(); ++r) {
    const nlohmann::json& j = messages[r];
    if (!j.contains("config") || j["config"] != command->config() ||
        j["models"] != nlohmann::json(command->models()))
      throw Error("rank " + std::to_string(r) + " of " + std::to_string(messages.size()) +
                  ": its settings or models differ from rank 0's; nothing was written");
    for (const nlohmann::json& unit : j["scores"]) scores.push_back(unit.get<UnitScores>());
  }
  command->finish(command->run().collect(std::move(scores)), seconds_since(start));
}

}  // namespace

SpikingConfig TaskCommand::process_config() const {
  SpikingConfig config = settings_.config;
  if (mpi_world().size() > 1)
    config.device = device_for_local_rank(config.device, mpi_world().local_rank(),
                                          static_cast<int64_t>(torch::cuda::device_count()));
  return config;
}

RunPart parse_shard(const std::string& text) {
  long long index = 0, count = 0;
  char slash = 0, extra = 0;
  if (std::sscanf(text.c_str(), "%lld%c%lld%c", &index, &slash, &count, &extra) != 3 ||
      slash != '/' || count < 1 || index < 1 || index > count)
    throw InvalidArgument("--shard: expected I/N with 1 <= I <= N (for example 2/8), found '" +
                          text + "'");
  return {index - 1, count};
}

void execute(const TaskCommandMaker& make, const std::optional<std::string>& shard,
             const std::atomic<bool>* cancel) {
  if (mpi_world().size() > 1) {
    if (shard)
      throw InvalidArgument("--shard: not under mpirun, where the ranks share the run already");
    run_rank(make, cancel);
    return;
  }
  // Before any model is read: `--shard "$UNSET"` must not run the whole job.
  const std::optional<RunPart> part =
      shard ? std::optional<RunPart>(parse_shard(*shard)) : std::nullopt;
  const std::unique_ptr<TaskCommand> command = make();
  if (!command) return;
  if (part) {
    run_shard(*command, *part, cancel);
    return;
  }
  const auto start = std::chrono::steady_clock::now();
  command->prepare();
  std::vector<UnitScores> scores = run_part(*command, {}, true, cancel, true);
  command->finish(command->run().collect(std::move(scores)), seconds_since(start));
}

}  // namespace spikernn::cli
