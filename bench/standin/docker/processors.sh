#!/usr/bin/env bash
# The payment processors for the Docker way: up starts bench/standin/docker/processors.yml unless
# processors already run (their containers, whoever started them); down stops them
# only when up started them. When the processor image is the offline stand-in (our
# simulator, see images/processor.Dockerfile), processors.standin.yml leaves out
# the PostgreSQL services it does not use.
set -euo pipefail
cd "$(dirname "$0")/../../.."
IMAGE=zanfranceschi/payment-processor:amd64-20250807222453
MARK=.run/docker-processors

files=(-f bench/standin/docker/processors.yml)
if [ "$(docker image inspect -f '{{index .Config.Labels "rinha.standin"}}' "$IMAGE" 2>/dev/null)" = true ]; then
  files+=(-f bench/standin/docker/processors.standin.yml)
fi

running() { docker ps -q --filter "label=com.docker.compose.service=$1" --filter status=running | grep -q .; }

case "${1:-}" in
  up)
    if running payment-processor-default && running payment-processor-fallback; then
      echo "processors: already running"
      exit 0
    fi
    [ "${#files[@]}" -gt 2 ] && echo "processors: the offline stand-in (simulator) under the official names"
    docker compose "${files[@]}" up -d --wait --quiet-pull
    mkdir -p .run && touch "$MARK"
    ;;
  down)
    [ -f "$MARK" ] || exit 0
    docker compose "${files[@]}" down --volumes --remove-orphans
    rm -f "$MARK"
    ;;
  *) echo "usage: processors.sh up | down" >&2; exit 2 ;;
esac
