# The Python package `spikernn`: the pure-Python modules of python/spikernn and the extension
# `spikernn._core` (src/python), built into ${PROJECT_BINARY_DIR}/python/spikernn, and installed
# (component `python`) by `pip install .` through scikit-build-core (pyproject.toml).
#
# The extension must run inside the Python's own torch, on the same LibTorch build it was compiled
# against (one set of libraries, one random generator): a Python whose torch loads another
# LibTorch, or none, leaves the package out with the reason. Give the interpreter with
# -DPython3_EXECUTABLE=... (tools/setup.sh gives Debian's /usr/bin/python3).
set(SPIKERNN_PYTHON_PACKAGE 0 CACHE INTERNAL "whether build/python holds the package")
if(NOT DEFINED Python3_EXECUTABLE AND DEFINED Python_EXECUTABLE)
  set(Python3_EXECUTABLE "${Python_EXECUTABLE}")  # what scikit-build-core passes
endif()
find_package(Python3 COMPONENTS Interpreter Development.Module)
if(NOT Python3_FOUND)
  message(STATUS "spikernn: Python package 0 (no Python with its headers: python3-dev)")
  return()
endif()

# LibTorch ships pybind11 in its include folder (PyPI's wheel does): use that one, which its
# tensor casters were written for; otherwise the system's (Debian: pybind11-dev).
find_path(SPIKERNN_PYBIND11_INCLUDE pybind11/pybind11.h HINTS ${TORCH_INCLUDE_DIRS})
find_library(SPIKERNN_TORCH_PYTHON_LIBRARY torch_python HINTS "${torch_prefix}/lib"
  "${torch_prefix}/lib/${CMAKE_LIBRARY_ARCHITECTURE}")
get_filename_component(torch_library_dir "${torch_library}" DIRECTORY)
execute_process(
  COMMAND "${Python3_EXECUTABLE}" -c
    "import torch, os; print(next(os.path.realpath(l.split()[-1]) for l in open('/proc/self/maps') if 'libtorch_cpu' in l))"
  OUTPUT_VARIABLE python_torch_cpu OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET
  RESULT_VARIABLE python_torch_status)
get_filename_component(python_torch_dir "${python_torch_cpu}" DIRECTORY)
set(reason "")
if(NOT SPIKERNN_PYBIND11_INCLUDE)
  set(reason "no pybind11 headers (pybind11-dev)")
elseif(NOT SPIKERNN_TORCH_PYTHON_LIBRARY)
  set(reason "this LibTorch has no libtorch_python (python3-torch, or PyPI's torch)")
elseif(NOT python_torch_status EQUAL 0)
  set(reason "${Python3_EXECUTABLE} cannot import torch")
elseif(NOT python_torch_dir STREQUAL torch_library_dir)
  set(reason "the torch of ${Python3_EXECUTABLE} runs the LibTorch in ${python_torch_dir}, not "
    "this build's ${torch_library_dir}")
endif()
if(reason)
  message(STATUS "spikernn: Python package 0 (${reason})")
  return()
endif()
set(SPIKERNN_PYTHON_PACKAGE 1 CACHE INTERNAL "whether build/python holds the package")
message(STATUS "spikernn: Python package 1 (${Python3_EXECUTABLE}, build/python)")

set(package_dir ${PROJECT_BINARY_DIR}/python/spikernn)
Python3_add_library(spikernn_python MODULE WITH_SOABI
  src/python/module.cpp
  src/python/bind_errors.cpp
  src/python/bind_models.cpp
  src/python/bind_runs.cpp
  src/python/bind_tasks.cpp
  src/python/bind_experiments.cpp
)
target_include_directories(spikernn_python SYSTEM PRIVATE ${SPIKERNN_PYBIND11_INCLUDE})
target_link_libraries(spikernn_python PRIVATE spikernn ${SPIKERNN_TORCH_PYTHON_LIBRARY})
set_target_properties(spikernn_python PROPERTIES OUTPUT_NAME _core
  LIBRARY_OUTPUT_DIRECTORY ${package_dir} CXX_VISIBILITY_PRESET hidden
  # Installed beside torch in site-packages: its libraries are in ../torch/lib.
  INSTALL_RPATH "$ORIGIN/../torch/lib")
spikernn_target(spikernn_python)

file(GLOB python_sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/python/spikernn/*.py)
foreach(source IN LISTS python_sources)
  get_filename_component(name ${source} NAME)
  configure_file(${source} ${package_dir}/${name} COPYONLY)
endforeach()
install(TARGETS spikernn_python LIBRARY DESTINATION spikernn COMPONENT python)
install(FILES ${python_sources} DESTINATION spikernn COMPONENT python)
