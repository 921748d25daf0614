#!/usr/bin/env bash
# make docker-ready: a Docker engine, compose v2 and the images the compose files
# name, prepared where this machine allows it (Debian as root); elsewhere each step
# says what to install. Safe to run again: each step skips what is already there.
set -euo pipefail
here=$(dirname "$0")
"$here/engine.sh"
"$here/compose-plugin.sh"
"$here/standins.sh"
echo "docker ready: make up uses Docker"
