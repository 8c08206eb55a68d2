#!/usr/bin/env bash
# Property-based fuzzing of the whole API from openapi.yaml (schemathesis, every check,
# positive and negative data, fixed seed, bounded examples) against a real gunicorn server
# over a fresh, seeded SQLite database. Exit status is schemathesis's.
set -euo pipefail
cd "$(dirname "$0")/.."
EXAMPLES="${FUZZ_EXAMPLES:-25}"
SEED="${FUZZ_SEED:-20261124}"
WORK="$(mktemp -d)"
PID=""
cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

export DATABASE_URL="sqlite:///$WORK/fuzz.sqlite3" RATELIMIT_ENABLED=0 LOG_LEVEL=WARNING
.venv/bin/regsec migrate > /dev/null 2>&1
.venv/bin/regsec seed > /dev/null
PORT=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
.venv/bin/gunicorn --config gunicorn.conf.py --bind "127.0.0.1:$PORT" --workers 2 'api:create_app()' \
  > "$WORK/server.log" 2>&1 &
PID=$!
for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$PORT/api/v1/health" > /dev/null 2>&1 && break; sleep 0.2; done

mkdir -p artifacts
export SCHEMATHESIS_HOOKS=scripts.fuzz_hooks PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
.venv/bin/st run "http://127.0.0.1:$PORT/api/v1/openapi.json" \
  --checks all --mode all --seed "$SEED" --max-examples "$EXAMPLES" \
  --phases "${FUZZ_PHASES:-examples,coverage,fuzzing}" \
  --workers 2 --max-time 600 --request-timeout 10 \
  --report junit --report-junit-path artifacts/fuzz-junit.xml "$@"
