#include "python/bindings.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "spikernn's C++ core (use the package spikernn, not this module)";
  spikernn::python::bind_errors(m);
  spikernn::python::bind_models(m);
  spikernn::python::bind_runs(m);
  spikernn::python::bind_tasks(m);
  spikernn::python::bind_experiments(m);
}
