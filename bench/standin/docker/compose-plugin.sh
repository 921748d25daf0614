#!/usr/bin/env bash
# Compose v2 as a docker CLI plugin. Debian's docker-compose (1.29) refuses our
# compose file, so on Debian as root the plugin is built from source with Go.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
VERSION=v2.29.7
PLUGINS=/usr/local/lib/docker/cli-plugins
export PATH="$PATH:/usr/local/go/bin"

if docker compose version >/dev/null 2>&1; then echo "compose v2: $(docker compose version --short)"; exit 0; fi
if ! debian_root; then
  echo "compose v2 is missing: install the docker-compose-plugin package (https://docs.docker.com/compose/install/linux/)" >&2
  exit 1
fi
command -v go >/dev/null || { echo "compose v2 is missing and Go is not installed: install Go 1.22 or later, or the docker-compose-plugin package" >&2; exit 1; }
echo "compose v2: building $VERSION with go install (a few minutes the first time)"
bin=$(mktemp -d)
# Module downloads are not worth a line each.
GOBIN=$bin go install -ldflags "-s -w -X github.com/docker/compose/v2/internal.Version=$VERSION" "github.com/docker/compose/v2/cmd@$VERSION" 2>&1 | { grep -v '^go: downloading' || true; }
mkdir -p "$PLUGINS"
install -m 755 "$bin/cmd" "$PLUGINS/docker-compose"
rm -rf "$bin"
echo "compose v2: $(docker compose version --short)"
