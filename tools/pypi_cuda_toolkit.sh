#!/usr/bin/env bash
# Usage: tools/pypi_cuda_toolkit.sh VENV DEST
# The CMake config of PyPI's CUDA-enabled torch wheel requires a CUDA toolkit (nvcc, headers,
# libraries), even to build for the CPU. On a machine without one, this assembles one in DEST
# from NVIDIA's PyPI packages of the CUDA version the wheel in VENV was built with: the compiler
# (nvidia-cuda-nvcc, -crt, nvvm, -cccl) next to the headers and libraries the wheel already
# installed, in the layout CMake's FindCUDA/FindCUDAToolkit expect (bin/, include/, lib64/ with
# unversioned .so names).
set -euo pipefail
venv=$1 dest=$2
cuda=$("$venv/bin/python3" -c 'import torch; print(torch.version.cuda or "")' 2>/dev/null)
if [ -z "$cuda" ]; then
  echo "pypi_cuda_toolkit.sh: the torch in $venv has no CUDA; nothing to do" >&2
  exit 1
fi
major=${cuda%%.*}
"$venv/bin/pip" install -q "nvidia-cuda-nvcc==$cuda.*" "nvidia-cuda-crt==$cuda.*" \
  "nvidia-nvvm==$cuda.*" "nvidia-cuda-cccl==$cuda.*"
site=$("$venv/bin/python3" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
root="$site/nvidia/cu$major"
[ -x "$root/bin/nvcc" ] || { echo "pypi_cuda_toolkit.sh: no nvcc in $root" >&2; exit 1; }

rm -rf "$dest"
mkdir -p "$dest/lib64"
# nvcc finds its tools and libraries relative to where it runs from, so bin/ is a copy.
cp -r "$root/bin" "$dest/bin"
ln -s "$root/include" "$dest/include"
ln -s "$root/nvvm" "$dest/nvvm"
for lib in "$root"/lib/*; do
  name=$(basename "$lib")
  ln -s "$lib" "$dest/lib64/$name"
  case $name in
    *.so.*) [ -e "$dest/lib64/${name%%.so.*}.so" ] || ln -s "$lib" "$dest/lib64/${name%%.so.*}.so" ;;
  esac
done
"$dest/bin/nvcc" --version | tail -1
