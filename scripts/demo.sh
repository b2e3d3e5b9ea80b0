#!/usr/bin/env bash
# One command from a fresh clone to a running demo on embedded SQLite:
# install, migrate, load the demo company, print the URL and an admin key, serve.
#   PORT=8000 HOST=127.0.0.1 bash scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
# The CLI's own default database (./shadowspend.db), so that every command in the README works
# on the demo; the loader refuses a database that holds a company's own transactions.
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
bin=.venv/bin/shadowspend
"$bin" migrate
"$bin" demo --if-empty
# One admin key for the demo, kept in .shadowspend/ (git-ignored, owner-only) and reused on
# every run while it still works, instead of a new key per run.
key=$("$bin" create-api-key --role admin --name "demo admin" --keep-in .shadowspend/demo-admin-key | tail -n 1)
cat <<TXT

  shadowspend demo is starting on http://${HOST}:${PORT}/
  API docs:   http://${HOST}:${PORT}/docs
  Admin key:  ${key}

  curl -H "Authorization: Bearer ${key}" http://${HOST}:${PORT}/api/v1/transactions

TXT
exec "$bin" serve --host "$HOST" --port "$PORT"
