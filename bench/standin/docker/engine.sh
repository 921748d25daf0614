#!/usr/bin/env bash
# A Docker engine that answers. On Debian as root: docker.io from apt, dockerd started here.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
LOG=/var/log/rinha-dockerd.log

if docker info >/dev/null 2>&1; then echo "docker engine: answers"; exit 0; fi
if ! debian_root; then
  echo "no Docker engine answers: install Docker Engine (https://docs.docker.com/engine/install/) and start it, then run make docker-ready again" >&2
  exit 1
fi
if ! command -v dockerd >/dev/null; then
  echo "docker engine: installing docker.io from apt"
  { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq docker.io; } >/tmp/rinha-apt-docker.log 2>&1 ||
    { echo "apt-get install docker.io failed: see /tmp/rinha-apt-docker.log" >&2; exit 1; }
fi
command -v docker >/dev/null || { echo "docker.io installed no docker client: install docker-cli" >&2; exit 1; }
# No systemd here: dockerd runs in the background. --iptables=false because these
# machines may not allow iptables; containers then have no outbound network, so
# builds that download use the host network (see deploy/Dockerfile).
echo "docker engine: starting dockerd (log: $LOG)"
setsid nohup dockerd --iptables=false >"$LOG" 2>&1 </dev/null &
for _ in $(seq 60); do
  docker info >/dev/null 2>&1 && { echo "docker engine: answers"; exit 0; }
  sleep 1
done
echo "dockerd did not answer within 60 s: see $LOG" >&2
exit 1
