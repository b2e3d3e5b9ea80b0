#!/usr/bin/env bash
# Every static check, in one command: ruff (lint + format), mypy strict, import-linter (and the
# README's layers picture, generated from its layers contract).
set -euo pipefail
cd "$(dirname "$0")/.."
EXTRAS=dev bash scripts/bootstrap.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/lint-imports
.venv/bin/python scripts/import_graph.py --check  # the README's layers picture is the contract's
