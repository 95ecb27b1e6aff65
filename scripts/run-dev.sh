#!/usr/bin/env bash
# The embedded demo: the WeChat simulator beside the development server, no servers to install.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
SIM_PORT=${SIM_PORT:-8001}
PORT=${PORT:-8000}

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

if "$PY" manage.py help wechat_simulator >/dev/null 2>&1; then
  "$PY" manage.py wechat_simulator --port "$SIM_PORT" --scanlogin-url "http://127.0.0.1:$PORT" &
  pids+=($!)
  SIM_LINE="  Phone:    http://127.0.0.1:$SIM_PORT/sim/phone  (the WeChat simulator plays the phone)"
fi

# Tickets still expire without Celery: the same service the beat task calls, every 5 s.
"$PY" manage.py sweep_tickets --every 5 &
pids+=($!)

echo
echo "  ScanLogin is starting on http://127.0.0.1:$PORT"
echo "  Console:  http://127.0.0.1:$PORT/console/"
[ -n "${SIM_LINE:-}" ] && echo "$SIM_LINE"
echo
"$PY" manage.py runserver "127.0.0.1:$PORT"
