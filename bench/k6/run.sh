#!/usr/bin/env bash
# Runs one of the k6 scripts here after creating RESULTS_DIR (k6's
# handleSummary cannot create directories). Run from anywhere:
#   bench/k6/run.sh contest|smoke|floor [-e NAME=value ...]
# K6 (default: k6 on PATH, else /root/go/bin/k6) picks the binary.
set -euo pipefail
cd "$(dirname "$0")/../.."
script="${1:?usage: bench/k6/run.sh contest|smoke|floor [k6 run args]}"
shift
case "$script" in contest|smoke|floor) ;; *) echo "unknown script: $script" >&2; exit 2 ;; esac
k6="${K6:-$(command -v k6 || echo /root/go/bin/k6)}"
results="${RESULTS_DIR:-bench/results/latest}"
# An -e RESULTS_DIR=... argument wins over the environment, as it does in k6.
for arg in "$@"; do case "$arg" in RESULTS_DIR=*) results="${arg#RESULTS_DIR=}" ;; esac; done
mkdir -p "$results"
exec "$k6" run -e RESULTS_DIR="$results" "$@" "bench/k6/$script.js"
