// The flags of the circuit manipulations (spikernn/core/perturbations.hpp), for every command that
// maps a model: --scale-synapses XY=F, --remove-autapses, --lesion-units, --lesion-fraction
// exc=F|inh=F, --shuffle-weights, --shuffle-input-weights, --input-noise and --perturb-seed. They
// override the `perturbations` object of a config, field by field (XY by XY for
// --scale-synapses).
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "settings_flags.hpp"
#include "spikernn/core/perturbations.hpp"

namespace spikernn::cli {

class PerturbationFlags {
 public:
  PerturbationFlags();
  void add_to(CLI::App& command);
  // The flags that were given override `perturbations`, which is then validated. Throws
  // InvalidArgument naming the flag.
  void apply(Perturbations& perturbations) const;

 private:
  // A repeatable NAME=VALUE flag for an object of named numbers (scale_synapses, lesion_fraction).
  struct NamedNumbers {
    std::string key, example;
    std::vector<std::string> values;
    CLI::Option* option = nullptr;
  };
  SettingsFlags<Perturbations> flags_;
  NamedNumbers scales_{"scale_synapses", "ei=0.7", {}, nullptr};
  NamedNumbers fractions_{"lesion_fraction", "inh=0.1", {}, nullptr};
};

}  // namespace spikernn::cli
