#!/usr/bin/env bash
# Sets up the PyTorch peer of the benchmark: a virtual environment in bench/.venv (git-ignored)
# with torch, numpy and threadpoolctl from PyPI. Idempotent: a venv that already imports them is
# kept as it is. Prints the venv's python on the last line.
#
#   bash bench/setup-peer.sh            (npm run bench runs it itself)
#
# PyPI's Linux torch wheel is the CUDA build: pip also fetches NVIDIA's runtime wheels (about
# 4 GB, a few minutes) even on a machine without a GPU; the CPU kernels are the same either way.
# Debian's python3-torch is no substitute: it runs one thread by default on reference BLAS.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${BENCH_VENV:-$here/.venv}"
python="$venv/bin/python"
check='import torch, numpy, threadpoolctl'

if [ -x "$python" ] && "$python" -c "$check" 2>/dev/null; then
  echo "PyTorch peer ready: $("$python" -c 'import torch; print("torch", torch.__version__)')" >&2
  echo "$python"
  exit 0
fi

base="${BENCH_PYTHON:-$(command -v python3 || true)}"
if [ -z "$base" ]; then
  echo "bench/setup-peer.sh: no python3 found; install Python 3.9+ (apt-get install python3 python3-venv) or set BENCH_PYTHON" >&2
  exit 1
fi
if [ ! -x "$python" ]; then
  echo "Creating $venv with $("$base" --version 2>&1)..." >&2
  if ! "$base" -m venv "$venv" >&2; then
    echo "bench/setup-peer.sh: '$base -m venv' failed; on Debian install python3-venv (apt-get install python3-venv)" >&2
    exit 1
  fi
fi
log="$venv/setup.log"
echo "Installing torch, numpy, threadpoolctl from PyPI into $venv (log: $log)..." >&2
if ! "$python" -m pip install --disable-pip-version-check --progress-bar off \
  torch numpy threadpoolctl >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  echo "bench/setup-peer.sh: pip install failed (see $log); the bench runs without the PyTorch rows" >&2
  exit 1
fi
if ! "$python" -c "$check" >>"$log" 2>&1; then
  tail -n 20 "$log" >&2
  echo "bench/setup-peer.sh: torch installed but does not import (see $log)" >&2
  exit 1
fi
echo "PyTorch peer ready: $("$python" -c 'import torch; print("torch", torch.__version__)')" >&2
echo "$python"
