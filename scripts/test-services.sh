#!/usr/bin/env bash
# Brings up what the test suite needs, then runs the command given (`make test` runs pytest through it).
#
# The suite runs against real PostgreSQL and Redis, real Chromium and Node. With DATABASE_URL and
# REDIS_URL unset it uses the machine's local servers (127.0.0.1:5432 as user postgres,
# 127.0.0.1:6379), starting them when they are installed but stopped, and installing Debian's
# packages for anything missing when it runs as root. Set DATABASE_URL / REDIS_URL to point
# the suite elsewhere; a URL that is set is used as it is.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "test-services: $*" >&2; }

apt_install() {
  if [ "$(id -u)" != 0 ]; then
    say "missing $*; install them (Debian: apt-get install $*) or run as root"; exit 1
  fi
  say "installing $*"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "$@" >/dev/null
}

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
ldconfig -p 2>/dev/null | grep -q libzbar.so.0 || need+=(libzbar0)  # pyzbar decodes QR codes in tests
if [ -z "${DATABASE_URL:-}" ]; then command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql); fi
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)  # outage tests stop a private redis-server of their own
if [ ${#need[@]} -gt 0 ]; then apt_install "${need[@]}"; fi

wait_for() {  # wait_for <what> <command...>
  local what=$1; shift
  for _ in $(seq 1 30); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  say "$what did not come up"; exit 1
}

if [ -z "${DATABASE_URL:-}" ]; then
  if ! pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1; then
    say "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
    wait_for PostgreSQL pg_isready -h 127.0.0.1 -p 5432
  fi
  export DATABASE_URL=postgres://postgres@127.0.0.1:5432/scanlogin
fi
if [ -z "${REDIS_URL:-}" ]; then
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    say "starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
    wait_for Redis redis-cli -h 127.0.0.1 -p 6379 ping
  fi
  export REDIS_URL=redis://127.0.0.1:6379/0
fi
export CHROMIUM_PATH=${CHROMIUM_PATH:-$(command -v chromium)}

exec "$@"
