// The subcommands of the `spikernn` executable.
#pragma once

#include <CLI/CLI.hpp>

namespace spikernn::cli {

// Adds `simulate` to `app`; its callback runs the simulation when the subcommand is chosen.
void add_simulate_command(CLI::App& app);

}  // namespace spikernn::cli
