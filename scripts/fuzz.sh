#!/usr/bin/env bash
# API fuzzing: schemathesis (from PyPI) against the release binary on a loopback port, with a
# temporary data dir and the seed. Every check, a bounded number of examples per operation.
# Fails on any failure; under CI=true a missing tool fails too.
#
#   scripts/fuzz.sh              # FUZZ_PORT (default 18400), FUZZ_EXAMPLES (default 10),
#                                # FUZZ_WORKERS (default 1), SCHEMATHESIS_VERSION (installed when
#                                # missing; default 4.32.5), FUZZ_SKIP_BUILD=1 (use the binary as is)
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${FUZZ_PORT:-18400}"
EXAMPLES="${FUZZ_EXAMPLES:-10}"
# One worker: Python 3.11 can raise a spurious "AST constructor recursion depth mismatch" when
# hypothesis parses source in two threads at once (CPython gh-106905), failing the run.
WORKERS="${FUZZ_WORKERS:-1}"
TOKEN="fuzz-admin-token-0123456789"

if ! command -v schemathesis >/dev/null 2>&1; then
  python3 -m pip install -q "schemathesis==${SCHEMATHESIS_VERSION:-4.32.5}" >/dev/null 2>&1 || true
fi
if ! command -v schemathesis >/dev/null 2>&1; then
  if [ "${CI:-}" = "true" ]; then
    echo "fuzz: schemathesis is not installed and could not be installed" >&2
    exit 1
  fi
  echo "fuzz: skipped: schemathesis is not installed (pip install schemathesis)"
  exit 0
fi

# FUZZ_SKIP_BUILD=1: use target/release/careermap as it is (CI: `cargo test --release` has just
# built it for the integration tests; building it again alone recompiles it with other features).
if [ "${FUZZ_SKIP_BUILD:-}" != "1" ]; then
  cargo build --release --locked -q
fi
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
  --workers "$WORKERS" \
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
