#!/usr/bin/env bash
# make up (Docker), once the containers run: waits until the stack answers as a
# client will use it. The compose file has no health checks (each one would cost
# the container ~33 ms of its CPU quota, see its header), so readiness is checked
# here, at start only: GET /ready through nginx (an API and Redis answer), then
# the worker's heartbeat file, fresh within 5 s. Usage: wait-ready.sh <compose command...>
set -euo pipefail
compose=("$@")
deadline=$((SECONDS + ${READY_TIMEOUT:-60}))

api_ready() {
  # Braces: a bare `exec ... 2>/dev/null` would silence the script's own stderr from here on.
  { exec 3<>/dev/tcp/127.0.0.1/9999; } 2>/dev/null || return 1
  printf 'GET /ready HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
  local status=''
  read -r -t 2 status <&3 || true
  exec 3<&- 3>&-
  [[ $status == 'HTTP/1.1 200'* ]]
}

worker_ready() {
  "${compose[@]}" exec -T worker sh -c 'test $(( $(date +%s) - $(stat -c %Y /tmp/worker-ready) )) -lt 5' 2>/dev/null
}

for check in api_ready worker_ready; do
  until $check; do
    if ((SECONDS >= deadline)); then
      echo "make up: the stack did not become ready within ${READY_TIMEOUT:-60} s (${check/_/ }: no); see make logs" >&2
      exit 1
    fi
    sleep 0.2
  done
done
