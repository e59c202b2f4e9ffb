#!/usr/bin/env bash
# The mock API's benchmark (issue 21): `suno-mock serve` must stay flat as tasks accumulate.
# With oha, in one run: music creates per second and polls of the newest task per second with
# one task, then again with 50,000 pending tasks; and the memory each pending task costs
# (resident set, before and after); then both rates again with serve's live page open in a
# headless chromium (every create and change pushed to it as it happens). Fails unless both
# rates at 50,000 tasks are at least 0.7 of their rates at one task, a pending task costs at
# most 2 KiB, and the open page costs at most 10 % of either rate.
# Installs what it needs (oha from crates.io). Traffic stays on 127.0.0.1.
# Usage: bash bench/serve.sh [TASKS] [CONCURRENCY]
set -euo pipefail
cd "$(dirname "$0")/.."
TASKS="${1:-50000}"
C="${2:-16}"
PORT=18090
export PATH="$HOME/.cargo/bin:$PATH"

if ! command -v oha >/dev/null; then
  cargo install oha --locked -q
fi
cargo build --release -q
BIN=target/release/suno-mock
BASE="http://127.0.0.1:$PORT"
AUTH='Authorization: Bearer bench'
# A callback URL nothing listens on: the tasks stay pending for the hour of generation anyway.
BODY='{"customMode":false,"instrumental":false,"model":"V4_5","prompt":"a calm piano piece","callBackUrl":"http://127.0.0.1:9/callback"}'

LOG=$(mktemp)
"$BIN" serve --listen "127.0.0.1:$PORT" --quiet --rate-limit off --credits 1000000000000 \
  --generation-time 3600s --seed 1 >"$LOG" &
PID=$!
source bench/lib.sh
track $PID
for _ in $(seq 100); do curl -s -o /dev/null "$BASE/_mock/tasks" && break; sleep 0.05; done

rss_kib() { awk '/VmRSS/{print $2}' "/proc/$PID/status"; }
rate() { python3 -c 'import json,sys; s=json.load(sys.stdin)["summary"]; assert s["successRate"]==1.0, s; print("%.0f" % s["requestsPerSec"])'; }
creates() {
  oha -n "$1" -c "$C" -m POST -H "$AUTH" -H 'Content-Type: application/json' -d "$BODY" \
    --no-tui --output-format json "$BASE/api/v1/generate" | rate
}
newest() {
  curl -s -H "$AUTH" -H 'Content-Type: application/json' -d "$BODY" "$BASE/api/v1/generate" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["taskId"])'
}
polls() {
  oha -n 20000 -c "$C" -H "$AUTH" --no-tui --output-format json \
    "$BASE/api/v1/generate/record-info?taskId=$1" | rate
}
count() { curl -s "$BASE/_mock/tasks" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); concurrency $C"
first=$(newest)
rss_one=$(rss_kib)
polls_one=$(polls "$first")
creates_one=$(creates 2000)
# Fill up to TASKS pending tasks, then measure the same again.
have=$(count)
creates $((TASKS - have - 1)) >/dev/null
last=$(newest)
# Measured before the task list is asked for: listing 50,000 records is a transient peak of its
# own, not what the tasks cost.
rss_many=$(rss_kib)
have=$(count)
polls_many=$(polls "$last")
creates_many=$(creates 2000)

# The live page open, as a developer leaves it: connected to the event stream, drawing every
# task created. Its own first load (every task listed) is over before the rates are taken.
page=$(sed -n 's/^  live page: //p' "$LOG" | head -n 1)
profile=$(mktemp -d)
chromium --headless=new --no-sandbox --disable-gpu --user-data-dir="$profile" "$page" >/dev/null 2>&1 &
track $!
for _ in $(seq 600); do
  [ "$(curl -s "$BASE/_mock/health" | python3 -c 'import json,sys; print(json.load(sys.stdin)["watchers"])')" -ge 1 ] && break
  sleep 0.1
done
# Connected; its first load (every task's summary) and first drawing take a moment more.
sleep 3
polls_page=$(polls "$last")
creates_page=$(creates 2000)

per_task=$(( (rss_many - rss_one) * 1024 / (have - 1) ))
echo "record-info of the newest task: $polls_one/s with 1 task · $polls_many/s with $have tasks · ratio $(python3 -c "print('%.2f' % ($polls_many / $polls_one))")"
echo "music creates: $creates_one/s with 1 task · $creates_many/s with $have tasks · ratio $(python3 -c "print('%.2f' % ($creates_many / $creates_one))")"
echo "memory: resident $rss_one KiB with 1 task, $rss_many KiB with $have pending tasks: $per_task bytes per pending task"
echo "with the live page open: record-info $polls_page/s (ratio $(python3 -c "print('%.2f' % ($polls_page / $polls_many))")) · creates $creates_page/s (ratio $(python3 -c "print('%.2f' % ($creates_page / $creates_many))"))"
python3 - "$polls_one" "$polls_many" "$creates_one" "$creates_many" "$per_task" "$polls_page" "$creates_page" <<'PY'
import sys
p1, pn, c1, cn, per, pp, cp = map(float, sys.argv[1:])
bad = []
if pp < 0.9 * pn: bad.append("an open page costs record-info more than 10 %")
if cp < 0.9 * cn: bad.append("an open page costs creates more than 10 %")
if pn < 0.7 * p1: bad.append("record-info slows down with size")
if cn < 0.7 * c1: bad.append("creates slow down with size")
if per > 2048: bad.append("a pending task costs more than 2 KiB")
print("FAIL: " + "; ".join(bad) if bad else "pass: flat with size, under 2 KiB a pending task, an open page under 10 %")
sys.exit(1 if bad else 0)
PY
