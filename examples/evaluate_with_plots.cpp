// Evaluate a model on Go-NoGo at a given λ with the seed's `eval_go_nogo(model_path,
// scaling_factor, n_trials, plot_results)`-like options, write the plots, print the metrics.
//
//   build/examples/evaluate_with_plots [MODEL.mat] [TRIALS] [PLOTS_DIR]
#include <spikernn/spikernn.hpp>

#include <iostream>

int main(int argc, char** argv) {
  spikernn::EvaluationOptions eval;
  eval.model_path = argc > 1 ? argv[1] : SPIKERNN_EXAMPLE_MODEL;
  eval.n_trials = argc > 2 ? std::stoll(argv[2]) : 100;
  eval.plots_dir = argc > 3 ? argv[3] : "evaluation_plots";
  eval.scaling_factor = 20.0;  // the shipped model's optimum
  eval.task = "go-nogo";

  const spikernn::EvaluationResult r = spikernn::evaluate_task(eval);
  // Every metric, as the JSON that `spikernn eval --json` writes.
  std::cout << nlohmann::json(r).dump(2) << "\n";
  return r.plots.empty() ? 1 : 0;
}
