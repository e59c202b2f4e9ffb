#!/usr/bin/env bash
# The load mode's benchmark (issue 5): suno-mock load against a trivial loopback receiver
# (a stock nginx answering 200: its default keepalive_requests closes every connection after
# 1000 answers, issue 11), side by side with oha at the same concurrency, request count and
# body size; every delivery must be acknowledged on its first attempt. Then peak memory of
# suno-mock load at 10k and 100k deliveries.
# Installs what it needs (nginx from Debian, oha from crates.io). Traffic stays on 127.0.0.1.
# Usage: [ROUNDS=3] bash bench/load.sh [REQUESTS] [CONCURRENCY]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-40000}"
C="${2:-32}"
PORT=18080
export PATH="$HOME/.cargo/bin:$PATH"

if ! command -v nginx >/dev/null; then
  apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null
fi
if ! command -v oha >/dev/null; then
  cargo install oha --locked -q
fi
cargo build --release -q
BIN=target/release/suno-mock

source bench/lib.sh
work=$(mktemp -d)
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
error_log $work/error.log;
pid $work/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work;
  # nginx's own defaults otherwise: keepalive_requests stays at 1000, so every kept-alive
  # connection is closed after 1000 answers, as a stock nginx in front of a receiver does.
  server {
    listen 127.0.0.1:$PORT;
    location / { return 200 '{"status":"received"}'; }
  }
}
CONF
nginx -p "$work" -c "$work/nginx.conf"
track "$(cat "$work/nginx.pid")"
URL="http://127.0.0.1:$PORT/callback"
# The body of one success callback, as suno-mock load sends it (same size).
BODY='{"code":200,"msg":"success","data":{"task_id":"load_000003_00000001","video_url":"http://127.0.0.1:40000/videos/load_000003_00000001.mp4"}}'

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB"
echo "receiver: nginx on 127.0.0.1:$PORT answering 200; $N requests, concurrency $C, body ${#BODY} bytes"

rate_oha() {
  oha -n "$N" -c "$C" -m POST -H 'Content-Type: application/json' -d "$BODY" --no-tui --output-format json "$URL" \
    | python3 -c 'import json,sys; print("%.0f" % json.load(sys.stdin)["summary"]["requestsPerSec"])'
}
rate_suno() {
  "$BIN" load --receiver "$URL" --tasks "$N" --concurrency "$C" --duplicates 0 --seed 3 --format json --no-progress \
    | python3 -c 'import json,sys; r=json.load(sys.stdin)["result"]; assert r["acknowledged"]==r["sent"]==r["attempts"], r; print("%.0f" % r["rate_per_s"])'
}

ROUNDS="${ROUNDS:-3}"
ratios=()
for round in $(seq "$ROUNDS"); do
  o=$(rate_oha); s=$(rate_suno)
  r=$(python3 -c "print('%.2f' % ($s/$o))")
  ratios+=("$r")
  echo "round $round: oha $o req/s · suno-mock load $s deliveries/s (every response checked) · ratio $r"
done
echo "median ratio over $ROUNDS rounds: $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"

peak() {
  /usr/bin/time -f '%M' "$BIN" load --receiver "$URL" --tasks "$1" --concurrency "$C" --duplicates 0.1 --seed 3 --no-progress >/dev/null 2>"$work/time.txt"
  tail -1 "$work/time.txt"
}
m10=$(peak 10000); m100=$(peak 100000)
echo "peak memory: 10k deliveries ${m10} KiB · 100k deliveries ${m100} KiB · growth $(python3 -c "print('%.1f%%' % (100*($m100-$m10)/$m10))")"
