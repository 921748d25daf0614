#!/usr/bin/env bash
# Can the Docker way run here? Silent and 0 when it can; otherwise one line on
# stderr saying what is missing, exit 1. `check.sh -q`: no output, only the code.
quiet=${1:-}
say() { [ "$quiet" = -q ] || echo "STACK=docker cannot run: $1" >&2; exit 1; }
command -v docker >/dev/null || say "no docker command; install Docker (or run make docker-ready on Debian as root), or use STACK=local"
docker info >/dev/null 2>&1 || say "the Docker engine does not answer (docker info); start it (or run make docker-ready), or use STACK=local"
docker compose version >/dev/null 2>&1 || say "compose v2 is missing (docker compose version); install the docker-compose-plugin (or run make docker-ready), or use STACK=local"
