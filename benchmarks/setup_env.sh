#!/usr/bin/env bash
# Create benchmarks/.venv with skhptune (editable, from this checkout) and the peers.
# Usage: bash benchmarks/setup_env.sh   (from anywhere; PYTHON=python3.11 to choose the interpreter)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
"${PYTHON:-python3}" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .. -r requirements.txt
.venv/bin/python - <<'PY'
import importlib
for name in ["skhptune", "sklearn", "numpy", "scipy", "skopt", "optuna", "optuna_integration",
             "sklearn_genetic", "dask", "dask_ml", "matplotlib"]:
    try:
        module = importlib.import_module(name)
        print(f"{name:20s} {getattr(module, '__version__', '?')}")
    except Exception as exc:  # report, do not stop: adapters skip what is missing
        print(f"{name:20s} NOT IMPORTABLE: {type(exc).__name__}: {exc}")
PY
