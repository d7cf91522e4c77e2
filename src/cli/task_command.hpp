// grid-search and eval as the scale-out runs them: a TaskRun made from the command's settings,
// run whole, as one shard of a job array (--shard I/N: its scores into a part file), as the ranks
// of an MPI job, or merged from the parts (`spikernn merge`), and then finished (table, JSON,
// write-back, figures) from the scores of every unit. Whatever the way, the finish sees the same
// scores, so it prints and writes the same.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "spikernn/core/task_run.hpp"

namespace spikernn::cli {

class TaskCommand {
 public:
  virtual ~TaskCommand() = default;
  virtual std::string name() const = 0;  // "grid-search" or "eval"
  const TaskRun& run() const { return *run_; }
  const TaskRunSettings& settings() const { return settings_; }
  const std::vector<std::string>& models() const { return models_; }
  // The settings as config keys: what the JSON output records and a part file carries.
  virtual nlohmann::json config() const = 0;
  // In the process that finishes, before any unit runs (locks on the files it will write).
  virtual void prepare() {}
  // In a one-process run, when model m's units are all done (from a worker thread, one call at a
  // time): what can be stored before the run ends, so that an interrupted run keeps it.
  virtual void model_done(size_t /*m*/, const std::vector<UnitScores>& /*units*/) {}
  // What an interrupted run leaves written.
  virtual std::string written_when_interrupted() const { return "nothing was written"; }
  // From every unit's scores (TaskRun::collect'ed): print and write the results.
  virtual void finish(const std::vector<UnitScores>& all, double seconds) = 0;

 protected:
  // The settings' network config for this process: under mpirun, device "cuda" becomes this
  // rank's GPU of its node (device_for_local_rank). The recorded config keeps "cuda".
  SpikingConfig process_config() const;

  TaskRunSettings settings_;
  std::vector<std::string> models_;  // the model files run, in unit order
  std::unique_ptr<TaskRun> run_;
};

// Makes the command from its settings; nullptr when there is nothing to run (it says why).
using TaskCommandMaker = std::function<std::unique_ptr<TaskCommand>()>;

// Runs the command `make` gives: under mpirun as one rank of the job (rank 0 gathers and
// finishes), with `shard` ("I/N", 1-based) as that shard of a job array, else whole.
void execute(const TaskCommandMaker& make, const std::optional<std::string>& shard,
             const std::atomic<bool>* cancel);

// The part of a run a `--shard I/N` names (1 <= I <= N), 0-based.
RunPart parse_shard(const std::string& text);

// The commands a part file can name, made from its recorded config and model files; `json` is
// where the merged results go.
std::unique_ptr<TaskCommand> grid_search_command_from(const CommandConfig& config,
                                                      std::vector<std::string> models,
                                                      const std::string& json);
std::unique_ptr<TaskCommand> eval_command_from(const CommandConfig& config,
                                               std::vector<std::string> models,
                                               const std::string& json);

}  // namespace spikernn::cli
