#!/usr/bin/env bash
# Load run: the release server with the state-scale synthetic catalog imported, then wrk
# against GET /health and POST /v1/career-maps in the same run. Prints both req/s and their
# ratio. Usage: scripts/load.sh [DURATION (20s)] [CONNECTIONS (16)] [THREADS (2)]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20s}
conns=${2:-16}
threads=${3:-2}

cargo build --release --quiet --bin careermap --example synth
work=$(mktemp -d)
server=
cleanup() {
  if [[ -n $server ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

target/release/examples/synth state 1 >"$work/state.json"
jq -r '.occupations[].soc' "$work/state.json" | awk 'NR % 10 == 1' >"$work/socs.txt"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
token=load-$(od -An -N12 -tx1 /dev/urandom | tr -d " \n")
base=http://127.0.0.1:$port
CAREERMAP_ADMIN_TOKEN=$token CAREERMAP_LOG=warn target/release/careermap --data-dir "$work/data" \
  serve --no-seed --bind "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -fsS "$base/health" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "$base/health" >/dev/null || { cat "$work/server.log" >&2; exit 1; }

curl -fsS -X POST "$base/v1/imports?mode=replace" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' --data-binary "@$work/state.json" | jq -c '{dataset_version, counts}'
echo "targets: $(wc -l <"$work/socs.txt") occupations x 3 entry points"

echo "== GET /health"
wrk -t"$threads" -c"$conns" -d"$duration" "$base/health" | tee "$work/health.txt"
echo "== POST /v1/career-maps"
wrk -t"$threads" -c"$conns" -d"$duration" -s scripts/career_map.lua "$base/v1/career-maps" \
  -- "$work/socs.txt" | tee "$work/maps.txt"

rps() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
h=$(rps "$work/health.txt")
m=$(rps "$work/maps.txt")
echo "health req/s: $h"
echo "career-maps req/s: $m"
awk -v h="$h" -v m="$m" 'BEGIN {printf "career-maps / health: %.3f\n", m / h}'
