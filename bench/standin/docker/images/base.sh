#!/usr/bin/env bash
# The base of every stand-in image: a minimal Debian bookworm from Debian's own
# package mirror (debootstrap), imported into Docker. For machines that reach no
# container registry; the result is only ever used locally.
set -euo pipefail
TAG=${1:?usage: base.sh TAG}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

docker image inspect "$TAG" >/dev/null 2>&1 && { echo "stand-in $TAG: exists"; exit 0; }
if ! command -v debootstrap >/dev/null; then
  { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq debootstrap; } >/tmp/rinha-apt-debootstrap.log 2>&1 ||
    { echo "apt-get install debootstrap failed: see /tmp/rinha-apt-debootstrap.log" >&2; exit 1; }
fi
root=$(mktemp -d /var/tmp/rinha-standin-XXXXXX)
trap 'rm -rf "$root"' EXIT
echo "stand-in $TAG: debootstrap bookworm from $MIRROR"
debootstrap --variant=minbase bookworm "$root" "$MIRROR" >"$root.log" 2>&1 || { echo "debootstrap failed: see $root.log" >&2; exit 1; }
rm -f "$root.log"
# apt lists and caches are not needed in an image; the stand-ins run apt-get update themselves.
# As in Debian's official images: packages installed later do not start services.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" && chmod 755 "$root/usr/sbin/policy-rc.d"
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
tar -C "$root" -c . | docker import \
  -c 'LABEL org.opencontainers.image.description="offline stand-in: Debian bookworm minbase, built by make docker-ready"' \
  -c 'LABEL rinha.standin=true' \
  -c 'CMD ["/bin/bash"]' - "$TAG" >/dev/null
echo "stand-in $TAG: built"
