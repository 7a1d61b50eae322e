#!/usr/bin/env bash
# API fuzzing: schemathesis (from PyPI) against the release binary on a loopback port, with a
# temporary data dir and the seed. Every check, a bounded number of examples per operation.
# Fails on any failure; under CI=true a missing tool fails too.
#
#   scripts/fuzz.sh              # FUZZ_PORT (default 18400), FUZZ_EXAMPLES (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${FUZZ_PORT:-18400}"
EXAMPLES="${FUZZ_EXAMPLES:-10}"
TOKEN="fuzz-admin-token-0123456789"

if ! command -v schemathesis >/dev/null 2>&1; then
  python3 -m pip install -q "schemathesis>=4,<5" >/dev/null 2>&1 || true
fi
if ! command -v schemathesis >/dev/null 2>&1; then
  if [ "${CI:-}" = "true" ]; then
    echo "fuzz: schemathesis is not installed and could not be installed" >&2
    exit 1
  fi
  echo "fuzz: skipped: schemathesis is not installed (pip install schemathesis)"
  exit 0
fi

cargo build --release --locked -q
DATA="$(mktemp -d)"
LOG="$DATA.log"
# Pulls can only reach loopback: every outgoing request goes through a proxy address on
# 127.0.0.1 where nothing listens (reqwest honours these variables).
HTTP_PROXY="http://127.0.0.1:9" HTTPS_PROXY="http://127.0.0.1:9" ALL_PROXY="http://127.0.0.1:9" NO_PROXY="" \
CAREERMAP_DATA_DIR="$DATA" CAREERMAP_ADMIN_TOKEN="$TOKEN" CAREERMAP_BIND="127.0.0.1:$PORT" \
CAREERMAP_PULL_ALLOW="127.0.0.1" CAREERMAP_PULL_RETRIES=0 \
CAREERMAP_AUTH_FAIL_BURST=1000000 CAREERMAP_WRITE_RATE_LIMIT=1000000 CAREERMAP_LOG=warn \
  target/release/careermap serve >"$LOG" 2>&1 &
PID=$!
cleanup() {
  kill "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  rm -rf "$DATA" "$LOG"
}
trap cleanup EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null || { cat "$LOG"; echo "fuzz: the server did not start" >&2; exit 1; }

set +e
schemathesis run "http://127.0.0.1:$PORT/openapi.json" \
  --checks all \
  --max-examples "$EXAMPLES" \
  --header "Authorization: Bearer $TOKEN" \
  --workers 2 \
  --request-timeout 30 \
  --seed 11 \
  --no-color
STATUS=$?
set -e
if ! kill -0 "$PID" 2>/dev/null; then
  echo "fuzz: the server died" >&2
  tail -50 "$LOG" >&2
  exit 1
fi
if grep -q "panicked" "$LOG"; then
  echo "fuzz: the server panicked" >&2
  grep -A5 panicked "$LOG" >&2
  exit 1
fi
exit $STATUS
