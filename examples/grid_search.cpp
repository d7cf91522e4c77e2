// Find λ for a model with the seed's `lambda_grid_search(model_path, scaling_range=(20, 80),
// n_trials_per_factor=50, task_type='go-nogo', parallel=True)`, here with fewer trials and
// without touching the model file.
//
//   build/examples/grid_search [MODEL.mat] [TRIALS_PER_FACTOR]
#include <spikernn/spikernn.hpp>

#include <iostream>

int main(int argc, char** argv) {
  spikernn::GridSearchOptions search;
  search.model_path = argc > 1 ? argv[1] : SPIKERNN_EXAMPLE_MODEL;
  search.n_trials_per_factor = argc > 2 ? std::stoll(argv[2]) : 50;
  search.scaling_range = {20, 40};  // 20, 25, ..., 40
  search.task_type = "go-nogo";
  search.config.noise =
      spikernn::Noise::Fast;      // statistically equivalent to the port's noise, faster
  search.write_to_model = false;  // true stores opt_scaling_factor in the file

  const spikernn::GridSearchResult result = spikernn::lambda_grid_search(search);
  for (size_t k = 0; k < result.scaling_factors.size(); ++k)
    std::cout << "lambda " << result.scaling_factors[k] << ": accuracy " << result.accuracy[k]
              << "\n";
  std::cout << "best lambda " << result.opt_scaling_factor << " (accuracy " << result.best_accuracy
            << ")\n";
  return 0;
}
