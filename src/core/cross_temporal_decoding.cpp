// Cross-temporal decoding of the condition: a linear discriminant (LDA with shrinkage) trained on
// the rates of one bin and tested on every bin of held-out trials, k-fold cross-validated.
#include <algorithm>
#include <cmath>
#include <random>

#include "dataset_analysis_support.hpp"
#include "spikernn/core/dataset_analysis.hpp"
#include "spikernn/core/error.hpp"

namespace spikernn {
namespace {

// Elements a batch of training bins may hold (covariances, scores), about 128 MB of float64.
constexpr int64_t kDecodingBatchElements = int64_t{1} << 24;

// Stratified folds: each condition's trials shuffled by `seed`, then dealt to the folds in turn,
// so every fold holds each condition in proportion. The shuffle draws from mt19937_64 alone (not
// std::shuffle), so that it is the same on every platform.
std::vector<int64_t> stratified_folds(const std::vector<std::vector<int64_t>>& members,
                                      int64_t n_trials, int64_t folds, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<int64_t> fold(static_cast<size_t>(n_trials), -1);
  for (std::vector<int64_t> m : members) {
    for (size_t i = m.size(); i > 1; --i) std::swap(m[i - 1], m[rng() % i]);
    for (size_t j = 0; j < m.size(); ++j) fold[m[j]] = static_cast<int64_t>(j) % folds;
  }
  return fold;
}

}  // namespace

DecodingResult cross_temporal_decoding(const TrialDataset& d, const AnalysisSettings& s,
                                       std::vector<std::string>* warnings) {
  DecodingResult r;
  const int64_t bin_steps = analysis::steps_of(s.bin, d.dt, "bin");
  const int64_t bins = d.n_steps / bin_steps;
  r.bin = static_cast<double>(bin_steps) * d.dt;
  r.time_s = analysis::window_centres(0, bin_steps, bin_steps, bins, d.dt);
  const auto warn = [&](const std::string& message) {
    if (warnings != nullptr) warnings->push_back("decoding: " + message);
  };
  // The classes are the conditions that have trials.
  std::vector<std::vector<int64_t>> members;
  const auto trials = analysis::trials_by_condition(d);
  for (size_t c = 0; c < trials.size(); ++c) {
    if (trials[c].numel() == 0) continue;
    const torch::Tensor t = trials[c].contiguous();
    members.emplace_back(t.data_ptr<int64_t>(), t.data_ptr<int64_t>() + t.numel());
    r.classes.push_back(d.conditions[c]);
  }
  const auto K = static_cast<int64_t>(members.size());
  if (K < 2 || bins < 1) {
    warn("skipped: it needs two conditions with trials and one bin");
    return r;
  }
  r.chance = 1.0 / static_cast<double>(K);
  int64_t smallest = d.n_trials;
  for (const auto& m : members) smallest = std::min<int64_t>(smallest, m.size());
  r.folds = std::min(s.decoding_folds, smallest);
  if (r.folds < 2) {
    warn("skipped: a condition has a single trial, so no fold can hold it out");
    return r;
  }
  if (r.folds < s.decoding_folds)
    warn(std::to_string(r.folds) + " folds instead of " + std::to_string(s.decoding_folds) +
         ": a condition has only " + std::to_string(smallest) + " trials");

  const std::vector<int64_t> fold = stratified_folds(members, d.n_trials, r.folds, s.decoding_seed);
  // The trials of each fold and of each class within it.
  std::vector<torch::Tensor> test(r.folds), y_test(r.folds), all_of(K);
  std::vector<std::vector<torch::Tensor>> held_out(r.folds, std::vector<torch::Tensor>(K));
  for (int64_t f = 0; f < r.folds; ++f) {
    std::vector<int64_t> trials, labels;
    for (int64_t k = 0; k < K; ++k) {
      std::vector<int64_t> in;
      for (const int64_t t : members[k])
        if (fold[t] == f) in.push_back(t), trials.push_back(t), labels.push_back(k);
      held_out[f][k] = torch::tensor(in, torch::kLong);
    }
    test[f] = torch::tensor(trials, torch::kLong);
    y_test[f] = torch::tensor(labels, torch::kLong);
  }
  for (int64_t k = 0; k < K; ++k) all_of[k] = torch::tensor(members[k], torch::kLong);
  // Rates, trials × bins × units.
  const torch::Tensor rates =
      (analysis::bin_counts(d, 0, bin_steps, bins) / r.bin).permute({0, 2, 1}).contiguous();
  const int64_t N = d.N;
  const torch::Tensor eye = torch::eye(N, torch::kFloat64);
  const double shrinkage = s.decoding_shrinkage;
  const int64_t largest_fold = d.n_trials / r.folds + K;  // each class adds at most one
  const int64_t batch = std::max<int64_t>(
      1, std::min(kDecodingBatchElements / (N * N * (K + 1)),
                  kDecodingBatchElements / std::max<int64_t>(1, largest_fold * bins * K)));
  torch::Tensor correct = torch::zeros({bins, bins}, torch::kFloat64);
  for (int64_t b0 = 0; b0 < bins; b0 += batch) {
    const int64_t b1 = std::min(bins, b0 + batch);
    const torch::Tensor x = rates.slice(1, b0, b1);
    // Sums and second moments (b × N, b × N × N) of some trials. A fold's training moments are
    // its class's over all trials less the fold's: half the work of forming them per fold.
    const auto moments = [&](const torch::Tensor& trials) {
      const torch::Tensor t = x.index_select(0, trials).permute({1, 2, 0});  // b × N × trials
      return std::pair{t.sum(2), torch::bmm(t, t.transpose(1, 2))};
    };
    std::vector<std::pair<torch::Tensor, torch::Tensor>> whole;
    for (int64_t k = 0; k < K; ++k) whole.push_back(moments(all_of[k]));
    for (int64_t f = 0; f < r.folds; ++f) {
      analysis::check_cancel(s.cancel, "in the decoding");
      // Class means (b × N × K), priors, and the pooled within-class covariance per bin.
      std::vector<torch::Tensor> means;
      std::vector<double> log_prior;
      torch::Tensor cov = torch::zeros({b1 - b0, N, N}, torch::kFloat64);
      const int64_t n_train = d.n_trials - test[f].numel();
      for (int64_t k = 0; k < K; ++k) {
        const auto [sum, square] = moments(held_out[f][k]);
        const auto n = static_cast<double>(all_of[k].numel() - held_out[f][k].numel());
        const torch::Tensor mean = (whole[k].first - sum) / n;
        cov += whole[k].second - square - n * mean.unsqueeze(2) * mean.unsqueeze(1);
        means.push_back(mean);
        log_prior.push_back(std::log(n / static_cast<double>(n_train)));
      }
      cov /= static_cast<double>(std::max<int64_t>(1, n_train - K));
      // Shrunk towards the mean variance ν (1 in a bin where no unit varies); the 1e-9·ν ridge
      // keeps plain LDA (shrinkage 0) solvable with more units than trials.
      torch::Tensor nu = cov.diagonal(0, 1, 2).mean(1);
      nu = torch::where(nu.gt(0), nu, torch::ones_like(nu)).view({-1, 1, 1});
      cov = cov * (1 - shrinkage) + (shrinkage + 1e-9) * nu * eye;
      const torch::Tensor mu = torch::stack(means, 2);       // b × N × K
      const torch::Tensor w = torch::linalg_solve(cov, mu);  // b × N × K
      const torch::Tensor bias = (mu * w).sum(1).mul(-0.5).unsqueeze(1).unsqueeze(1);
      const torch::Tensor prior = torch::tensor(log_prior, torch::kFloat64).view({1, 1, 1, K});
      // Scores of every test trial at every bin: b × trials × bins × K.
      const torch::Tensor scores =
          torch::einsum("tsn,bnk->btsk", {rates.index_select(0, test[f]), w}) + bias + prior;
      correct.slice(0, b0, b1) += scores.argmax(-1).eq(y_test[f].view({1, -1, 1})).sum(1);
    }
  }
  r.accuracy = correct / static_cast<double>(d.n_trials);
  return r;
}

}  // namespace spikernn
