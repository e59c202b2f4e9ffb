#!/usr/bin/env bash
# `serve` left running (issue 29): its memory stays flat over an hour of finished tasks.
# Time is compressed 30 times: two hours of traffic are sent in SECONDS (default 240), and a
# task is forgotten 20 s after its creation (`--forget-after 20s`, the 10-minute default divided
# by 30) with its media expiring at once (`--retention 1s`). oha creates music tasks at RATE per
# second (default 50); each finishes in 1 s and calls back three times (text, first,
# complete) to a built-in receiver that never downloads. The resident memory of `serve`, the
# tasks it holds and the callback attempts it keeps are sampled every 10 s. The first hour
# (120 s) warms up: the forget window fills, the allocator's arenas reach their size. Fails
# unless over the hour after it the resident memory grows by at most 5 % and the tasks and
# attempts held stay within what the forget window holds.
# Installs what it needs (oha from crates.io). Traffic stays on 127.0.0.1.
# Usage: bash bench/soak.sh [SECONDS] [RATE]   (SECONDS at least 140)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_RUN="${1:-240}"
RATE="${2:-50}"
export PATH="$HOME/.cargo/bin:$PATH"
command -v oha >/dev/null || cargo install oha --locked -q
cargo build --release -q
BIN=$PWD/target/release/suno-mock
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
API=$(free_port)
RX=$(free_port)
BASE="http://127.0.0.1:$API"
AUTH='Authorization: Bearer soak'
BODY='{"customMode":false,"instrumental":false,"model":"V4_5","prompt":"a calm piano piece","callBackUrl":"http://127.0.0.1:'$RX'/callback"}'

"$BIN" receiver --listen "127.0.0.1:$RX" --family music --flaw never-download >/dev/null 2>&1 &
RXPID=$!
source bench/lib.sh
track $RXPID
"$BIN" serve --listen "127.0.0.1:$API" --quiet --rate-limit off --credits 1000000000000 \
  --generation-time 1s --retention 1s --forget-after 20s --seed 1 >/dev/null &
PID=$!
track $PID
for _ in $(seq 100); do curl -s -o /dev/null "$BASE/_mock/tasks" && break; sleep 0.05; done

oha -z "${SECONDS_RUN}s" -q "$RATE" -c 4 -m POST -H "$AUTH" -H 'Content-Type: application/json' \
  -d "$BODY" --no-tui --output-format json "$BASE/api/v1/generate" >"$(mktemp)" &
OHA=$!
track $OHA

echo "machine: $(nproc) cores · ${SECONDS_RUN}s at $RATE music creates/s (time compressed 30x), forgotten 20s after creation"
samples=()
for ((t = 10; t <= SECONDS_RUN; t += 10)); do
  sleep 10
  rss=$(awk '/VmRSS/{print $2}' "/proc/$PID/status")
  tasks=$(curl -s "$BASE/_mock/tasks" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
  attempts=$(curl -s "$BASE/_mock/deliveries" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
  echo "t=${t}s resident ${rss} KiB · tasks held $tasks · attempts held $attempts"
  samples+=("$t:$rss:$tasks:$attempts")
done
wait $OHA || true
python3 - "$RATE" "${samples[@]}" <<'PY'
import sys
rate = float(sys.argv[1])
rows = [tuple(map(int, s.split(":"))) for s in sys.argv[2:]]
steady = [r for r in rows if r[0] >= 120]
if len(steady) < 2:
    sys.exit("FAIL: too short to see a steady state (120 s of warm-up, then two samples)")
base, last = steady[0][1], steady[-1][1]
growth = (last - base) / base
# What the window holds: 21 s of creates (20 s kept, 1 s generating), three attempts each.
most_tasks = rate * 21 * 1.2
bad = []
if growth > 0.05:
    bad.append(f"resident memory grew {growth:.1%} after the warm-up hour")
if max(r[2] for r in steady) > most_tasks:
    bad.append("more tasks held than the forget window holds")
if max(r[3] for r in steady) > 3 * most_tasks:
    bad.append("more attempts held than the forget window's tasks made")
print(f"resident memory from t=120s to the end: {base} -> {last} KiB ({growth:+.1%})")
print("FAIL: " + "; ".join(bad) if bad else "pass: flat once tasks are forgotten")
sys.exit(1 if bad else 0)
PY
