#!/usr/bin/env bash
# Interleaved wrk comparison of two careermap binaries on the same synthetic state catalog.
# Starts both on loopback ports 18101 and 18102 with the state-scale synthetic catalog
# (target/release/examples/synth must be built: cargo build --release --example synth), then
# alternates wrk runs against them, so load from elsewhere on the machine falls on both alike.
# Usage: scripts/compare_load.sh BIN_A BIN_B ROUNDS DURATION
set -euo pipefail
A=$1; B=$2; rounds=${3:-6}; dur=${4:-10s}
cd "$(dirname "$0")/.."
work=$(mktemp -d)
target/release/examples/synth state 1 >"$work/state.json"
jq -r '.occupations[].soc' "$work/state.json" | awk 'NR % 10 == 1' >"$work/socs.txt"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT; trap "cat $work/s*.log >&2" ERR
start() { # bin port
  CAREERMAP_ADMIN_TOKEN=tok-0123456789abcdef CAREERMAP_LOG=warn "$1" --data-dir "$work/d$2" serve --no-seed --bind "127.0.0.1:$2" >"$work/s$2.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 600); do curl -fsS "http://127.0.0.1:$2/health" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -fsS -X POST "http://127.0.0.1:$2/v1/imports?mode=replace" -H "Authorization: Bearer tok-0123456789abcdef" -H 'Content-Type: application/json' --data-binary "@$work/state.json" | jq -c '{dataset_version}'
}
start "$A" 18101; start "$B" 18102
for r in $(seq "$rounds"); do
  for p in 18101 18102; do
    v=$(wrk -t2 -c16 -d"$dur" -s scripts/career_map.lua "http://127.0.0.1:$p/v1/career-maps" -- "$work/socs.txt" | awk '/^Requests\/sec:/ {print $2}')
    echo "round $r port $p $v"
  done
done
