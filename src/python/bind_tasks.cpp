#include "python/bindings.hpp"
#include "python/json_text.hpp"
#include "spikernn/core/task.hpp"

namespace spikernn::python {
namespace {

// A task written in Python (a subclass of spikernn.Task, python/spikernn/tasks.py), as the C++
// grid search and evaluation use it. They call it from their worker threads: every call takes
// the GIL, which the calling Python thread gives up while it waits for the run.
class PythonTask : public AbstractSpikingTask {
 public:
  PythonTask(std::string name, py::object task) : name_(std::move(name)), task_(std::move(task)) {
    n_inputs_ = task_.attr("n_inputs").cast<int64_t>();
    columns_ = task_.attr("columns").cast<int64_t>();
    conditions_ = task_.attr("conditions").cast<std::vector<std::string>>();
    graded_inputs_ = task_.attr("graded_inputs").cast<std::vector<std::string>>();
    response_onset_step_ = task_.attr("response_onset_step").cast<int64_t>();
    decision_threshold_ = task_.attr("decision_threshold").cast<double>();
    settings_ = parse_json(task_.attr("_settings_json")().cast<std::string>(), name_);
  }
  ~PythonTask() override {
    py::gil_scoped_acquire gil;
    task_ = py::object();
  }

  std::string name() const override { return name_; }
  int64_t n_inputs() const override { return n_inputs_; }
  int64_t columns() const override { return columns_; }
  std::vector<std::string> conditions() const override { return conditions_; }
  nlohmann::json settings() const override { return settings_; }
  int64_t response_onset_step() const override { return response_onset_step_; }
  double decision_threshold() const override { return decision_threshold_; }
  std::vector<std::string> graded_inputs() const override { return graded_inputs_; }

  Trial generate_stimulus(const std::string& condition, std::mt19937_64& rng) const override {
    const uint64_t seed = rng();  // the trial's numpy Generator is seeded from the run's stream
    py::gil_scoped_acquire gil;
    const py::tuple t = task_.attr("_trial")(condition, seed);
    Trial trial;
    trial.u = t[0].cast<torch::Tensor>();
    trial.condition = t[1].cast<std::string>();
    trial.label = t[2].cast<double>();
    trial.inputs = t[3].cast<std::map<std::string, double>>();
    if (trial.u.dim() != 2 || trial.u.size(0) != n_inputs_ || trial.u.size(1) != columns_)
      throw InvalidArgument("task '" + name_ + "': generate_stimulus gave a stimulus of shape " +
                            c10::str(trial.u.sizes()) + ", expected [" + std::to_string(n_inputs_) +
                            ", " + std::to_string(columns_) + "]");
    return trial;
  }

  bool evaluate_trial(const torch::Tensor& out, const Trial& trial) const override {
    const torch::Tensor on_cpu = out.to(torch::kCPU, torch::kFloat64).contiguous();
    py::gil_scoped_acquire gil;
    return task_.attr("_score")(on_cpu, trial.condition, trial.label, trial.inputs).cast<bool>();
  }

 private:
  std::string name_;
  py::object task_;
  int64_t n_inputs_ = 0, columns_ = 0, response_onset_step_ = 0;
  std::vector<std::string> conditions_, graded_inputs_;
  double decision_threshold_ = 0;
  nlohmann::json settings_;
};

}  // namespace

void bind_tasks(py::module_& m) {
  m.def(
      "register_python_task",
      [](const std::string& name, const py::object& factory) {
        // Kept for the life of the process: the registry outlives the interpreter, whose objects
        // must not be released after it has gone.
        const auto* kept = new py::object(factory);
        register_task(name, [name, kept](const nlohmann::json& settings) {
          py::gil_scoped_acquire gil;
          return std::make_unique<PythonTask>(name, (*kept)(dump_json(settings)));
        });
      },
      py::arg("name"), py::arg("factory"));
  m.def("registered_tasks", &registered_tasks);

  // Any registered task as the C++ engine runs it: the built-in task classes of the Python
  // package (GoNogoSpikingTask, ...) stand on it.
  py::class_<AbstractSpikingTask>(m, "EngineTask")
      .def_property_readonly("name", &AbstractSpikingTask::name)
      .def_property_readonly("n_inputs", &AbstractSpikingTask::n_inputs)
      .def_property_readonly("columns", &AbstractSpikingTask::columns)
      .def_property_readonly("conditions", &AbstractSpikingTask::conditions)
      .def_property_readonly("response_onset_step", &AbstractSpikingTask::response_onset_step)
      .def_property_readonly("decision_threshold", &AbstractSpikingTask::decision_threshold)
      .def_property_readonly("settings_json",
                             [](const AbstractSpikingTask& t) { return dump_json(t.settings()); })
      .def(
          "trial",
          [](const AbstractSpikingTask& t, const std::string& condition, uint64_t seed) {
            std::mt19937_64 rng(seed);
            const Trial trial = t.generate_stimulus(condition, rng);
            return py::make_tuple(trial.u, trial.condition, trial.label, trial.inputs);
          },
          py::arg("condition"), py::arg("seed"))
      .def(
          "correct",
          [](const AbstractSpikingTask& t, const torch::Tensor& out, const std::string& condition,
             double label, const std::map<std::string, double>& inputs) {
            return t.evaluate_trial(out, Trial{torch::Tensor(), condition, label, inputs});
          },
          py::arg("out"), py::arg("condition"), py::arg("label"), py::arg("inputs"));
  m.def(
      "make_task",
      [](const std::string& name, const std::string& settings) {
        return make_task(name, parse_json(settings, "task settings"));
      },
      py::arg("name"), py::arg("settings"));
}

}  // namespace spikernn::python
