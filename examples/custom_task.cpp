// Register a task of your own next to Go-NoGo, XOR and Mante: here "go-nogo-late", a Go-NoGo
// variant whose Go stimulus comes 20 columns later. Every API that takes a task name (grid
// search, evaluation, the CLI's --task) then accepts it.
//
//   build/examples/custom_task [MODEL.mat]
#include <spikernn/spikernn.hpp>

#include <iostream>

// A task is an AbstractSpikingTask; deriving from a built-in one keeps its scoring.
class LateGoNoGoTask : public spikernn::GoNoGoTask {
 public:
  explicit LateGoNoGoTask(const nlohmann::json& settings) : GoNoGoTask(with_late_onset(settings)) {}
  std::string name() const override { return "go-nogo-late"; }

 private:
  static nlohmann::json with_late_onset(nlohmann::json settings) {
    if (!settings.contains("stim_on")) settings["stim_on"] = 70;
    return settings;
  }
};

int main(int argc, char** argv) {
  spikernn::register_task("go-nogo-late", [](const nlohmann::json& settings) {
    return std::make_unique<LateGoNoGoTask>(settings);
  });

  spikernn::EvaluationOptions eval;
  eval.model_path = argc > 1 ? argv[1] : SPIKERNN_EXAMPLE_MODEL;
  eval.task = "go-nogo-late";
  eval.scaling_factor = 20.0;
  eval.n_trials = 20;
  const spikernn::EvaluationResult r = spikernn::evaluate_task(eval);
  std::cout << r.task << ": accuracy " << r.performance.overall_accuracy << " (go "
            << r.performance.condition_accuracy.at("go") << ", nogo "
            << r.performance.condition_accuracy.at("nogo") << ")\n";
  return 0;
}
