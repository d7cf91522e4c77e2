#include "python/bindings.hpp"
#include "spikernn/core/error.hpp"

namespace spikernn::python {
namespace {

// The classes live in Python (spikernn/errors.py) so that they can derive from both
// SpikernnError and the standard exception that fits.
void raise(const char* name, const std::exception& e) {
  const py::object type = py::module_::import("spikernn.errors").attr(name);
  PyErr_SetString(type.ptr(), e.what());
}

}  // namespace

void bind_errors(py::module_& m) {
  (void)m;
  py::register_exception_translator([](std::exception_ptr error) {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const FileNotFound& e) {
      raise("FileNotFoundError", e);
    } catch (const FileError& e) {
      raise("FileError", e);
    } catch (const ModelFormatError& e) {
      raise("ModelFormatError", e);
    } catch (const ConfigError& e) {
      raise("ConfigError", e);
    } catch (const InvalidArgument& e) {
      raise("InvalidArgument", e);
    } catch (const Interrupted& e) {
      PyErr_SetString(PyExc_KeyboardInterrupt, e.what());
    } catch (const Error& e) {
      raise("SpikernnError", e);
    }
  });
}

}  // namespace spikernn::python
