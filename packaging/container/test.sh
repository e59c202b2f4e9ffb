#!/usr/bin/env bash
# Builds the image (packaging/container/build.sh) and proves it as a user runs it, on loopback:
#   1. `serve` in a container, answered by a client on the host: create a video task whose
#      callback goes to a receiver on the host, the callback arrives, polling shows it done;
#      the image's own health check says ready;
#   2. `check` in a container against the built-in receiver on the host: every rule passes
#      (exit 0), and against a flawed one the flaw's rules fail (exit 1);
#   3. `load` in four containers, each given JOB_COMPLETION_INDEX 0..3 as a Kubernetes Indexed
#      Job gives it (`--shard auto --shard-count 4`), writing to a mounted folder; `merge` in a
#      container gives exactly the counts of the same run on one machine;
#   4. Python's testcontainers starting the image for a test (testcontainers.sh);
#   5. the README's compose file, serve calling a receiver service back (compose.sh).
# The containers use the host's network: this machine has no container network to publish
# ports through, and the host network is what `--network host` gives a CI job too.
# Usage: bash packaging/container/test.sh [TAG]
set -euo pipefail
cd "$(dirname "$0")/../.."
started=$SECONDS
TAG="${1:-suno-mock:test}"
PODMAN="${PODMAN:-podman --runtime runc --storage-driver vfs}"
# This machine refuses raising limits past its own; a runner with Docker needs none of this.
# Its health check runs when asked (`podman healthcheck run`), not on podman's systemd timer,
# which a machine without systemd does not have.
LIMITS="--network host --ulimit nofile=1024:1024 --ulimit nproc=1000:1000"
RUN="$PODMAN run --rm $LIMITS --no-healthcheck"
# Detached: kept after they end, so their exit status and logs can be read (cleanup removes them).
DETACHED="$PODMAN run -d $LIMITS"
export PODMAN

bash packaging/container/build.sh "$TAG"
host="target/${TARGET:-$(uname -m)-unknown-linux-musl}/release/suno-mock"

work=$(mktemp -d)
pids=()
containers=()
cleanup() {
  local status=$?
  for c in "${containers[@]}"; do $PODMAN rm -f "$c" >/dev/null 2>&1 || true; done
  if [ "${#pids[@]}" -gt 0 ]; then kill "${pids[@]}" 2>/dev/null || true; fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ready() { # waits until `suno-mock health URL` says ready, for at most 10 s
  for _ in $(seq 100); do
    if "$host" health "$1" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "error: $1 never became ready" >&2
  return 1
}
json() { python3 -c "import json,sys; v=json.load(sys.stdin); print($1)"; }

RX=$(free_port)
"$host" receiver --listen "127.0.0.1:$RX" >"$work/receiver.log" 2>&1 &
pids+=($!)
FLAWED=$(free_port)
"$host" receiver --listen "127.0.0.1:$FLAWED" --flaw no-dedup >"$work/flawed.log" 2>&1 &
pids+=($!)

echo "== 1. serve in a container, a client on the host"
API=$(free_port)
containers+=(suno-mock-serve)
# The image's health check, pointed at this port (the image's default is serve's 8080).
$DETACHED --name suno-mock-serve -e SUNO_MOCK_API_KEY=sk-test --health-interval disable \
  --health-cmd "[\"/suno-mock\", \"health\", \"http://127.0.0.1:$API/_mock/health\"]" "$TAG" \
  serve --listen "127.0.0.1:$API" --generation-time 200ms --any-track-ids >/dev/null
ready "http://127.0.0.1:$API/_mock/health"
echo "the image's health check: $($PODMAN healthcheck run suno-mock-serve && echo healthy)"
task=$(curl -sf -H 'Authorization: Bearer sk-test' -H 'Content-Type: application/json' \
  -d "{\"taskId\":\"task_10f612c9594a\",\"audioId\":\"419b523a-5e8e\",\"callBackUrl\":\"http://127.0.0.1:$RX/callback\"}" \
  "http://127.0.0.1:$API/api/v1/mp4/generate" | json 'v["data"]["taskId"]')
for _ in $(seq 100); do
  flag=$(curl -sf -H 'Authorization: Bearer sk-test' \
    "http://127.0.0.1:$API/api/v1/mp4/record-info?taskId=$task" | json 'v["data"]["successFlag"]')
  [ "$flag" = SUCCESS ] && break
  sleep 0.1
done
[ "$flag" = SUCCESS ] || { echo "error: task $task is $flag" >&2; exit 1; }
for _ in $(seq 100); do
  processed=$(curl -s "http://127.0.0.1:$RX/state/$task" | json 'v.get("processed", 0)')
  [ "$processed" = 1 ] && break
  sleep 0.1
done
[ "$processed" = 1 ] || { echo "error: the receiver never processed $task" >&2; exit 1; }
echo "task $task: created, called back to the host's receiver (processed once), polled SUCCESS"
$PODMAN stop -t 5 suno-mock-serve >/dev/null
echo "serve's last line: $($PODMAN logs suno-mock-serve | tail -n 1)"

echo "== 2. check in a container against receivers on the host"
set +e
$RUN "$TAG" check --receiver "http://127.0.0.1:$RX/callback" \
  --probe-url "http://127.0.0.1:$RX/state/{task_id}" --retry-delays 10ms,10ms,10ms --seed 7 >"$work/right.txt"
right=$?
$RUN "$TAG" check --receiver "http://127.0.0.1:$FLAWED/callback" \
  --probe-url "http://127.0.0.1:$FLAWED/state/{task_id}" --retry-delays 10ms,10ms,10ms --seed 7 >"$work/flawed.txt"
flawed=$?
set -e
tail -n 2 "$work/right.txt" | head -n 1
echo "correct receiver: exit $right"
grep -E '^  fail ' "$work/flawed.txt" | awk '{print "  " $1, $2, $3}'
echo "flawed receiver (no-dedup): exit $flawed"
[ "$right" = 0 ] && [ "$flawed" = 1 ] || { echo "error: expected exits 0 and 1" >&2; exit 1; }
grep -qE '^  fail +must +idempotent-duplicate' "$work/flawed.txt"

echo "== 3. load in four containers (JOB_COMPLETION_INDEX 0..3), merged in a fifth"
mkdir -m 0777 "$work/out"
load=(load --receiver "http://127.0.0.1:$RX/callback" --tasks 400 --rate 2000 --seed 42
  --duplicates 0.2 --no-progress)
for i in 0 1 2 3; do
  containers+=("suno-mock-load-$i")
  $DETACHED --no-healthcheck --name "suno-mock-load-$i" -e "JOB_COMPLETION_INDEX=$i" -v "$work/out:/out" "$TAG" \
    "${load[@]}" --shard auto --shard-count 4 --report-json "/out/shard-$i.json" >/dev/null
done
for i in 0 1 2 3; do
  code=$($PODMAN wait "suno-mock-load-$i")
  [ "$code" = 0 ] || { echo "error: shard $i exited $code" >&2; $PODMAN logs "suno-mock-load-$i" >&2; exit 1; }
done
$RUN -v "$work/out:/out" "$TAG" merge /out/shard-0.json /out/shard-1.json /out/shard-2.json \
  /out/shard-3.json --format json >"$work/merged.json"
"$host" "${load[@]}" --format json >"$work/single.json"
python3 - "$work/merged.json" "$work/single.json" <<'PY'
import json, sys
merged, single = (json.load(open(p))["result"] for p in sys.argv[1:])
keys = ["tasks", "sent", "duplicates", "acknowledged", "attempts"]
for k in keys:
    if merged[k] != single[k]:
        sys.exit(f"error: {k}: merged {merged[k]}, one machine {single[k]}")
print("merged = one machine: " + ", ".join(f"{k} {merged[k]}" for k in keys)
      + f"; shards {merged['merged_shards']}")
PY

echo "== 4. testcontainers (Python) starting the image for a test, through podman's socket"
bash packaging/container/testcontainers.sh "$TAG" 2>&1 | grep -E '(PASSED|FAILED|passed|failed)'

echo "== 5. the README's compose file (podman-compose): serve calls a receiver service back"
bash packaging/container/compose.sh "$TAG"

size=$($PODMAN image inspect "$TAG" --format '{{.Size}}')
echo "== passed in $((SECONDS - started)) s; image $TAG $((size / 1024)) KiB"
