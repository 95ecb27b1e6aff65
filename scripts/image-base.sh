#!/usr/bin/env bash
# Build a Debian bookworm base image with Python 3.11 locally, for machines that cannot pull
# python:3.11-slim from a registry: debootstrap from the Debian mirror apt already uses, then
# `docker import`. The result is a drop-in BASE_IMAGE for the Dockerfile.
#
#   scripts/image-base.sh [TAG]        (default scanlogin-base:bookworm-python3.11)
#
# Environment: DEBIAN_MIRROR overrides the mirror (default: the first Debian URI in apt's
# sources), DOCKER the docker client. Needs root and debootstrap.
set -euo pipefail

TAG=${1:-scanlogin-base:bookworm-python3.11}
DOCKER=${DOCKER:-docker}
SUITE=bookworm

die() { echo "image-base: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "debootstrap needs root"
command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"

# The mirror apt uses: one-line "deb URL suite …" entries and deb822 "URIs:" fields alike.
apt_mirror() {
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | sed -nE 's/^(deb[[:space:]]+(\[[^]]*\][[:space:]]+)?|URIs:[[:space:]]*)([a-z]+:\/\/[^[:space:]]+\/debian)\/?([[:space:]].*)?$/\3/p' \
    | head -1 || true
}
MIRROR=${DEBIAN_MIRROR:-$(apt_mirror)}
[ -n "$MIRROR" ] || MIRROR=http://deb.debian.org/debian
SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-${MIRROR%/debian}/debian-security}

ROOT=$(mktemp -d /tmp/scanlogin-base.XXXXXX)
cleanup() { umount "$ROOT/proc" 2>/dev/null || true; rm -rf "$ROOT" "$ROOT.log"; }
trap cleanup EXIT

echo "image-base: debootstrap $SUITE from $MIRROR"
debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
  "$SUITE" "$ROOT" "$MIRROR" >"$ROOT.log" 2>&1 || { tail -20 "$ROOT.log" >&2; die "debootstrap failed (log above)"; }
rm -f "$ROOT.log"
echo "image-base: root filesystem in ${SECONDS}s; applying $SUITE-updates and $SUITE-security"

# Point the image's apt at the same mirror with updates and security, and take those updates now.
cat >"$ROOT/etc/apt/sources.list" <<SOURCES
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY_MIRROR $SUITE-security main
SOURCES
mount -t proc proc "$ROOT/proc"
chroot "$ROOT" /bin/sh -c 'export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get upgrade -y -qq && apt-get clean' >"$ROOT.log" 2>&1 \
  || { tail -20 "$ROOT.log" >&2; die "apt-get upgrade inside the root filesystem failed (log above)"; }
rm -f "$ROOT.log"
umount "$ROOT/proc"

# What python:3.11-slim also gives: `python`, a UTF-8 locale, no apt lists or caches, no manuals
# (the packages' copyright files stay).
ln -sf python3 "$ROOT/usr/bin/python"
rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/cache/apt/*.bin "$ROOT"/var/log/*.log \
       "$ROOT"/usr/share/man/* "$ROOT"/usr/share/info/* "$ROOT"/usr/share/locale/*
find "$ROOT/usr/share/doc" -type f ! -name copyright -delete
find "$ROOT/usr/share/doc" -type d -empty -delete
chroot "$ROOT" python3 --version | grep -q '^Python 3\.11\.' || die "the root filesystem has no Python 3.11"

tar -C "$ROOT" --numeric-owner -c . | "$DOCKER" import \
  --change 'ENV LANG=C.UTF-8' \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["python3"]' \
  --message "Debian $SUITE minbase with Python 3.11 from $MIRROR" \
  - "$TAG" >/dev/null
echo "image-base: built $TAG in ${SECONDS}s ($("$DOCKER" image inspect -f '{{.Size}}' "$TAG" | awk '{printf "%.0f MB", $1/1e6}'))"
