#include "python/bindings.hpp"
#include "python/json_text.hpp"
#include "spikernn/core/lif_network.hpp"
#include "spikernn/core/lif_network_fnc.hpp"
#include "spikernn/core/spike_analysis.hpp"
#include "spikernn/core/version.hpp"
#include "spikernn/io/mat_file.hpp"
#include "spikernn/io/model_file.hpp"

namespace spikernn::python {
namespace {

SpikingConfig config_from(const std::string& json_text) {
  return create_default_spiking_config(parse_json(json_text, "config"));
}

Stims stims_from(const std::string& mode, const std::vector<int64_t>& dur,
                 const std::vector<int64_t>& units) {
  Stims s;
  s.mode = parse_stim_mode(mode, "stims['mode']");
  if (s.active()) {
    if (dur.size() != 2)
      throw InvalidArgument("stims['dur']: expected [onset, offset], found " +
                            std::to_string(dur.size()) + " values");
    s.dur[0] = dur[0];
    s.dur[1] = dur[1];
    s.units = units;
  }
  return s;
}

// Recorded outputs only (the port's names); unrecorded ones are left out, not None.
py::dict traces_of(const SimulationResult& r) {
  py::dict d;
  const std::pair<const char*, const torch::Tensor*> traces[] = {{"W", &r.W},
                                                                 {"REC", &r.REC},
                                                                 {"spk", &r.spk},
                                                                 {"rs", &r.rs},
                                                                 {"all_fr", &r.all_fr},
                                                                 {"out", &r.out},
                                                                 {"IPSCs", &r.IPSCs},
                                                                 {"w_out", &r.w_out},
                                                                 {"td", &r.td},
                                                                 {"td0", &r.td0},
                                                                 {"spike_list", &r.spike_list}};
  for (const auto& [name, tensor] : traces)
    if (tensor->defined()) d[name] = *tensor;
  d["dt"] = r.dt;
  d["T"] = r.T;
  d["nt"] = r.nt;
  d["scaling_factor"] = r.scaling_factor;
  d["seed"] = r.seed ? py::cast(*r.seed) : py::none();
  return d;
}

// Numeric and char variables; cells and structs (which no model variable is) are left out.
py::dict mat_variables(const std::string& path) {
  const MatReader reader(path);
  py::dict d;
  for (const auto& name : reader.names()) {
    try {
      d[name.c_str()] = reader.read_numeric(name);
    } catch (const ModelFormatError&) {
      try {
        d[name.c_str()] = reader.read_string(name);
      } catch (const ModelFormatError&) {
      }
    }
  }
  return d;
}

void bind_rate_model(py::module_& m) {
  py::class_<RateModel>(m, "RateModel", "A trained rate RNN, as spikernn maps it")
      .def_readonly("path", &RateModel::path)
      .def_readonly("N", &RateModel::N)
      .def_property_readonly("n_inputs", &RateModel::n_inputs)
      .def_readonly("task", &RateModel::task)
      .def_readonly("activation", &RateModel::activation)
      .def_readonly("opt_scaling_factor", &RateModel::opt_scaling_factor)
      .def_readonly("b_out", &RateModel::b_out)
      .def_readonly("w", &RateModel::w)
      .def_readonly("w0", &RateModel::w0)
      .def_readonly("w_in", &RateModel::w_in)
      .def_readonly("w_out", &RateModel::w_out)
      .def_readonly("m", &RateModel::m)
      .def_readonly("som_m", &RateModel::som_m)
      .def_readonly("inh", &RateModel::inh)
      .def_readonly("exc", &RateModel::exc)
      .def_readonly("taus", &RateModel::taus)
      .def_readonly("taus_gaus", &RateModel::taus_gaus)
      .def_readonly("taus_gaus0", &RateModel::taus_gaus0)
      .def("__repr__", [](const RateModel& r) {
        return "RateModel(N=" + std::to_string(r.N) + ", n_inputs=" + std::to_string(r.n_inputs()) +
               (r.path.empty() ? "" : ", path='" + r.path + "'") + ")";
      });
  m.def("load_model", &load_rate_model, py::arg("path"), py::call_guard<py::gil_scoped_release>());
  m.def("model_from_arrays", &rate_model_from_arrays, py::arg("arrays"), py::arg("source"),
        py::arg("activation") = "sigmoid");
  m.def("mat_variables", &mat_variables, py::arg("path"));
}

}  // namespace

void bind_models(py::module_& m) {
  bind_rate_model(m);
  m.def("version", &version);
  m.def("torch_version", &torch_version);
  m.def("config_keys", [] { return spiking_config_table().keys(); });
  m.def(
      "config_json",
      [](const std::string& overrides) {
        return dump_json(nlohmann::json(config_from(overrides)));
      },
      py::arg("overrides"), "The port's defaults with `overrides` (JSON), validated, as JSON");
  m.def(
      "lif_network_fnc",
      [](const RateModel& model, double scaling_factor, const torch::Tensor& u,
         const std::string& mode, const std::vector<int64_t>& dur,
         const std::vector<int64_t>& units, int64_t downsample, bool use_initial_weights,
         const std::string& config, const std::string& record) {
        const Record kept = Record::parse(record);
        const SpikingConfig c = config_from(config);
        const Stims stims = stims_from(mode, dur, units);
        SimulationResult r;
        {
          py::gil_scoped_release release;
          r = LIF_network_fnc(model, scaling_factor, u, stims, downsample, use_initial_weights, c,
                              kept);
        }
        return traces_of(r);
      },
      py::arg("model"), py::arg("scaling_factor"), py::arg("u"), py::arg("mode"), py::arg("dur"),
      py::arg("units"), py::arg("downsample"), py::arg("use_initial_weights"), py::arg("config"),
      py::arg("record"));
  m.def(
      "simulate_factors",
      [](const RateModel& model, const torch::Tensor& u, const std::vector<double>& factors,
         const std::string& config, const std::string& record, std::optional<uint64_t> seed) {
        const Record kept = Record::parse(record);
        SpikingConfig c = config_from(config);
        c.N = model.N;
        std::vector<SimulationResult> results;
        {
          py::gil_scoped_release release;
          const LIFNetwork network(c, model);
          results = network->simulate_factors(u, factors, Stims::none(), kept, seed);
        }
        py::list list;
        for (const SimulationResult& r : results) list.append(traces_of(r));
        return list;
      },
      py::arg("model"), py::arg("u"), py::arg("factors"), py::arg("config"), py::arg("record"),
      py::arg("seed"));
  m.def(
      "format_spike_data",
      [](const torch::Tensor& spk, double dt) {
        const SpikeData s = format_spike_data(spk, dt);
        py::dict d;
        d["spike_times"] = s.spike_times;
        d["spike_neurons"] = s.spike_neurons;
        d["firing_rates"] = s.firing_rates;
        d["total_spikes"] = s.total_spikes;
        d["active_neurons"] = s.active_neurons;
        return d;
      },
      py::arg("spk"), py::arg("dt"));
  m.def("validate_stimulus", &validate_stimulus, py::arg("u"), py::arg("task_type"));
  m.def("check_gpu_availability", &check_gpu_availability);
}

}  // namespace spikernn::python
