# Sourced by tools/check_sanitizers.sh and tools/gpu_bundle.sh: torch_wheel VENV installs PyPI's
# torch wheel (CUDA-enabled; it runs on the CPU where there is no GPU) into VENV unless one is
# there, and sets the array torch_wheel_cmake_args to what CMake needs to build against the
# LibTorch inside it, and torch_wheel_dir to the torch package folder.
# The wheel's version is SPIKERNN_TORCH_WHEEL (default torch==2.11.0, the version this project was
# last checked against). Its CMake config needs a CUDA toolkit: without one installed,
# tools/pypi_cuda_toolkit.sh assembles one from PyPI next to VENV.
torch_wheel() {
  local venv=$1 toolkit
  install_packages python3-venv
  if [ ! -x "$venv/bin/python3" ] || ! "$venv/bin/python3" -c 'import torch' 2>/dev/null; then
    /usr/bin/python3 -m venv "$venv"
    "$venv/bin/pip" install -q "${SPIKERNN_TORCH_WHEEL:-torch==2.11.0}"
  fi
  # The torch package folder (lib/ and share/cmake/ inside) as the prefix, so that the wheel's
  # libraries are found before any other LibTorch installed on the system (Debian's, here).
  torch_wheel_dir=$("$venv/bin/python3" -c 'import os, torch; print(os.path.dirname(torch.__file__))' 2>/dev/null)
  torch_wheel_cmake_args=(-DCMAKE_PREFIX_PATH="$torch_wheel_dir")
  if ! command -v nvcc >/dev/null && [ ! -x /usr/local/cuda/bin/nvcc ]; then
    echo "torch_wheel.sh: no CUDA toolkit installed; assembling one from PyPI (the wheel's CMake config needs one)"
    toolkit="$(cd "$(dirname "$venv")" && pwd)/cuda-toolkit"
    bash tools/pypi_cuda_toolkit.sh "$venv" "$toolkit"
    torch_wheel_cmake_args+=(-DCUDA_TOOLKIT_ROOT_DIR="$toolkit" -DCUDAToolkit_ROOT="$toolkit"
                             -DCMAKE_CUDA_COMPILER="$toolkit/bin/nvcc")
  fi
}
