#!/usr/bin/env bash
# One-command set-up: a virtual environment in .venv with pni and its development tools.
# On this kind of machine constraints-cpu.txt makes pip take the local CPU build of torch instead
# of downloading a CUDA build; set PNI_CONSTRAINTS= (empty) to let pip choose torch freely.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
CONSTRAINTS=${PNI_CONSTRAINTS-constraints-cpu.txt}
EXTRAS=${PNI_EXTRAS:-dev}
[ -d .venv ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
args=(--quiet -e ".[${EXTRAS}]")
[ -n "$CONSTRAINTS" ] && args=(-c "$CONSTRAINTS" "${args[@]}")
.venv/bin/python -m pip install "${args[@]}"
echo "pni is set up: activate with 'source .venv/bin/activate' or run .venv/bin/pni"
