#!/bin/sh
# Installs what bench/pytorch_bench.py needs on Debian 12, as root: PyTorch 1.13 (python3-torch)
# and OpenBLAS (libopenblas0-pthread), which registers itself as the libblas.so.3 / liblapack.so.3
# alternative with a higher priority than the reference BLAS, so torch's CPU matrix products
# (and with them conv_transpose2d's im2col + GEMM) run on OpenBLAS afterwards.
#   sudo bench/install-pytorch-deps.sh
set -eu
if [ "$(id -u)" -ne 0 ]; then
  echo "run as root (apt-get install)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends python3-torch libopenblas0-pthread
echo "libblas.so.3 now points to: $(readlink -f /etc/alternatives/libblas.so.3-x86_64-linux-gnu)"
/usr/bin/python3 -c 'import torch; print("torch", torch.__version__)'
