// The subcommands of the `spikernn` executable.
#pragma once

#include <CLI/CLI.hpp>

namespace spikernn::cli {

// Adds `simulate` to `app`; its callback runs the simulation when the subcommand is chosen.
void add_simulate_command(CLI::App& app);
// Adds `grid-search`: the λ grid search of a model (or a folder of models).
void add_grid_search_command(CLI::App& app);
// Adds `eval`: accuracy, timing, rates and plots of a model on a task.
void add_eval_command(CLI::App& app);
// Adds `merge`: the parts of a sharded grid-search or eval into the one-process result.
void add_merge_command(CLI::App& app);
// Adds `dataset`: K trials of every condition of a task, written as a MAT v7.3 trial dataset.
void add_dataset_command(CLI::App& app);
// Adds `train`: trains a rate RNN on a task and writes the model (.mat and .pt).
void add_train_command(CLI::App& app);
// Adds `analyze`: timescales, Fano factor, cross-temporal decoding and PSTHs of a trial dataset.
void add_analyze_command(CLI::App& app);

}  // namespace spikernn::cli
