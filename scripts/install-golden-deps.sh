#!/usr/bin/env bash
# Installs what tests/golden/make_golden.py needs to regenerate the golden vectors in tests/golden/.
# The build and the tests never need any of this: only regenerating the JSON files does.
#
#   PyTorch : Debian 12's python3-torch, run by /usr/bin/python3 (not a pyenv or other python3).
#   ONNX    : onnx from PyPI (its onnx.reference.ReferenceEvaluator, Resize opset 19), in a venv at
#             .venv/ in the repository root (git-ignored). Debian's python3-onnx is too old for
#             half_pixel_symmetric (opset 19).
#
# Usage: scripts/install-golden-deps.sh            (as root, or with sudo available)
# Environment: GOLDEN_VENV (default <repo>/.venv), ONNX_VERSION, NUMPY_VERSION (pins below; the
# committed JSON files were made with these, and record the versions they were made with).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${GOLDEN_VENV:-${repo_root}/.venv}"
onnx_version="${ONNX_VERSION:-1.23.2}"
numpy_version="${NUMPY_VERSION:-2.4.6}"

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update
"${sudo_cmd[@]}" apt-get install -y --no-install-recommends \
  python3 python3-numpy python3-torch python3-venv

if [ ! -x "${venv}/bin/python" ]; then
  /usr/bin/python3 -m venv "${venv}"
fi
"${venv}/bin/python" -m pip install --upgrade pip
"${venv}/bin/python" -m pip install "onnx==${onnx_version}" "numpy==${numpy_version}"

echo "torch: $(/usr/bin/python3 -c 'import torch; print(torch.__version__)')"
echo "onnx:  $("${venv}/bin/python" -c 'import onnx; print(onnx.__version__)')"
echo "Regenerate with: /usr/bin/python3 tests/golden/make_golden.py all --onnx-python ${venv}/bin/python"
