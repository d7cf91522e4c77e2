#include "perturbation_flags.hpp"

#include "spikernn/core/error.hpp"

namespace spikernn::cli {
namespace {

// The table's settings that are plain flags; the objects of named numbers have flags of their own.
const std::vector<std::string> kPlainKeys = {"remove_autapses", "lesion_units",
                                             "shuffle_weights", "shuffle_input_weights",
                                             "input_noise",     "perturb_seed"};

const Setting<Perturbations>& setting(const std::string& key) {
  for (const Setting<Perturbations>& s : perturbations_table().settings())
    if (s.key == key) return s;
  throw Error("perturbations: no setting '" + key + "'");
}

// "perturbations: key 'K': message" as "--k: message".
[[noreturn]] void rethrow_for_flag(const ConfigError& e) {
  std::string message = e.what();
  const std::string prefix = "perturbations: key '";
  if (message.rfind(prefix, 0) == 0) {
    const size_t end = message.find("': ", prefix.size());
    if (end != std::string::npos)
      throw InvalidArgument(SettingsFlags<Perturbations>::flag_name(
                                message.substr(prefix.size(), end - prefix.size())) +
                            ": " + message.substr(end + 3));
  }
  throw InvalidArgument(message);
}

}  // namespace

PerturbationFlags::PerturbationFlags() : flags_(perturbations_table(), kPlainKeys) {}

void PerturbationFlags::add_to(CLI::App& command) {
  for (NamedNumbers* n : {&scales_, &fractions_})
    n->option = command
                    .add_option(SettingsFlags<Perturbations>::flag_name(n->key), n->values,
                                setting(n->key).help + "; NAME=VALUE, repeatable (for example " +
                                    n->example + ")")
                    ->delimiter(',');
  flags_.add_to(command);
}

void PerturbationFlags::apply(Perturbations& perturbations) const {
  try {
    for (const NamedNumbers* n : {&scales_, &fractions_}) {
      if (n->option->count() == 0) continue;
      nlohmann::json object = nlohmann::json::object();
      for (const std::string& text : n->values) {
        const size_t equals = text.find('=');
        if (equals == std::string::npos || equals == 0)
          throw InvalidArgument(SettingsFlags<Perturbations>::flag_name(n->key) +
                                ": expected NAME=VALUE (for example " + n->example + "), found '" +
                                text + "'");
        const nlohmann::json value = nlohmann::json::parse(text.substr(equals + 1), nullptr, false);
        object[text.substr(0, equals)] =
            value.is_discarded() ? nlohmann::json(text.substr(equals + 1)) : value;
      }
      setting(n->key).read(nlohmann::json{{n->key, object}}, perturbations);
    }
    flags_.apply(perturbations);
    validate_perturbations(perturbations);
  } catch (const ConfigError& e) {
    rethrow_for_flag(e);
  }
}

}  // namespace spikernn::cli
