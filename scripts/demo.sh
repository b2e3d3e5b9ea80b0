#!/usr/bin/env bash
# One command from a fresh clone to a running demo on embedded SQLite:
# install, migrate, load the demo company, print the URL and an admin key, serve.
#   PORT=8000 HOST=127.0.0.1 bash scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export SHADOWSPEND_DATABASE_URL=${SHADOWSPEND_DATABASE_URL:-sqlite:///./shadowspend-demo.db}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
bin=.venv/bin/shadowspend
"$bin" migrate
"$bin" demo --if-empty
key=$("$bin" create-api-key --role admin --name "demo admin $(date -u +%Y-%m-%dT%H:%M:%SZ)" | tail -n 1)
cat <<TXT

  shadowspend demo is starting on http://${HOST}:${PORT}/
  API docs:   http://${HOST}:${PORT}/docs
  Admin key:  ${key}

  curl -H "Authorization: Bearer ${key}" http://${HOST}:${PORT}/api/v1/transactions

TXT
exec "$bin" serve --host "$HOST" --port "$PORT"
