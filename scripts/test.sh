#!/usr/bin/env bash
# One command from a fresh clone to the whole test suite (SQLite always; Postgres as well when
# SHADOWSPEND_TEST_POSTGRES_URL=postgresql+psycopg://user@host:5432/db is set).
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
EXTRAS=dev bash scripts/bootstrap.sh
# loadgroup keeps the Prism mock servers (xdist_group "prism") in one worker.
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" --dist loadgroup "$@"
