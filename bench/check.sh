#!/usr/bin/env bash
# How long `suno-mock check` takes at default settings (issue 13), release build:
#   1. every rule, with --hmac-key and --probe-url, against the built-in reference receiver
#      (target: 3 s or less);
#   2. against the provider page's own Flask receiver (bench/fixtures/flask_receiver.py: it
#      downloads the video inside its handler), with Flask's own development server
#      (target: 20 s or less);
#   3. against a correct receiver on Python's ThreadingHTTPServer, listen backlog 5
#      (bench/fixtures/stdlib_receiver.py), with --probe-url (target: 3 s or less, every rule
#      passing), and the kernel's listen-queue overflow counter read before and after;
#   4. the same server storing the video URL and never downloading, no probe (issue 19:
#      every verdict in 20 s or less);
#   5. the same server accepting connections and never answering (issue 19: 45 s or less).
# Each is run ROUNDS times; the median wall time is printed with the verdict counts, which
# must be the same in every round. Installs Flask and requests into target/bench-venv when
# the system Python lacks them. Traffic stays on 127.0.0.1.
# Usage: [ROUNDS=3] bash bench/check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${ROUNDS:-3}"
export PATH="$HOME/.cargo/bin:$PATH"
cargo build --release -q
BIN=$PWD/target/release/suno-mock

PY=python3
if ! $PY -c 'import flask, requests' 2>/dev/null; then
  if [ ! -x target/bench-venv/bin/python ]; then
    python3 -m venv target/bench-venv
    target/bench-venv/bin/pip install -q flask requests
  fi
  PY=$PWD/target/bench-venv/bin/python
fi

source bench/lib.sh
work=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "nothing listens on $1" >&2; exit 1
}

REF=$(free_port)
"$BIN" receiver --listen "127.0.0.1:$REF" --hmac-key bench-key >"$work/ref.log" 2>&1 &
track $!
FLASK=$(free_port)
mkdir -p "$work/flask"
$PY bench/fixtures/flask_receiver.py "$FLASK" "$work/flask" >"$work/flask.log" 2>&1 &
track $!
wait_port "$REF"
wait_port "$FLASK"
# Starts a standard-library receiver (its flaws after the name) and sets the variable named
# first to its port. Not in a command substitution: that would start it in a subshell, whose
# `track` the exit trap never sees, and leave it running after the script.
stdlib() {
  local var=$1
  shift
  local file="$work/stdlib.$var.port"
  python3 bench/fixtures/stdlib_receiver.py 0 "$@" >"$file" 2>/dev/null &
  track $!
  for _ in $(seq 100); do
    if [ -s "$file" ]; then break; fi
    sleep 0.1
  done
  printf -v "$var" '%s' "$(head -1 "$file")"
}
stdlib STDLIB
stdlib NEVER never-download
stdlib HANG hang

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
# One check, timed: prints "SECONDS COUNTS" (counts from the JSON summary).
timed() {
  local start end
  start=$(date +%s.%N)
  "$BIN" check "$@" --format json >"$work/out.json" || true
  end=$(date +%s.%N)
  python3 - "$start" "$end" "$work/out.json" <<'PY'
import json, sys
start, end, path = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
s = json.load(open(path))["summary"]["rules"]
counts = " ".join(f"{k}={s[k]}" for k in ("pass", "fail", "warn", "inconclusive", "skip"))
print(f"{end - start:.2f} {counts}")
PY
}
bench() {
  local label=$1 target=$2; shift 2
  local times=() counts=""
  for _ in $(seq "$ROUNDS"); do
    read -r t c < <(timed "$@")
    times+=("$t")
    if [ -n "$counts" ] && [ "$c" != "$counts" ]; then
      echo "$label: the verdicts differ between rounds: $counts / $c" >&2; exit 1
    fi
    counts=$c
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$label: median ${median}s over $ROUNDS rounds (${times[*]}), target ${target}s · $counts"
}
bench "reference receiver, --hmac-key, --probe-url" 3 \
  --receiver "http://127.0.0.1:$REF/callback" --hmac-key bench-key \
  --probe-url "http://127.0.0.1:$REF/state/{task_id}"
bench "the docs' Flask receiver (downloads in its handler)" 20 \
  --receiver "http://127.0.0.1:$FLASK/suno-video-callback"
overflows() { nstat -az TcpExtListenOverflows 2>/dev/null | awk '/ListenOverflows/ {print $2}'; }
before=$(overflows)
bench "a correct receiver on Python's ThreadingHTTPServer (backlog 5), --probe-url" 3 \
  --receiver "http://127.0.0.1:$STDLIB/cb" --probe-url "http://127.0.0.1:$STDLIB/state/{task_id}"
after=$(overflows)
echo "  listen-queue overflows during those rounds (nstat TcpExtListenOverflows): $(( ${after:-0} - ${before:-0} ))"
bench "the same, storing the URL and never downloading, no probe" 20 \
  --receiver "http://127.0.0.1:$NEVER/cb"
bench "the same, accepting connections and never answering" 45 \
  --receiver "http://127.0.0.1:$HANG/cb"
