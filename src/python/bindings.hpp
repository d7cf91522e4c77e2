// The extension module spikernn._core: the C++ API as the Python package (python/spikernn) calls
// it. Settings and results cross as JSON text (the Python side turns them into dicts), arrays as
// torch tensors (numpy arrays share their memory with them).
#pragma once

#include <torch/extension.h>

namespace spikernn::python {

namespace py = pybind11;

/// C++ errors become the exceptions of spikernn.errors (python/spikernn/errors.py).
void bind_errors(py::module_& m);
/// Models, configs, one-trial and batched simulation, spike analysis.
void bind_models(py::module_& m);
/// Grid search and evaluation, with progress and Ctrl-C.
void bind_runs(py::module_& m);
/// Tasks written in Python, registered for the grid search and the evaluation.
void bind_tasks(py::module_& m);
/// Trial datasets and their analyses.
void bind_experiments(py::module_& m);

}  // namespace spikernn::python
