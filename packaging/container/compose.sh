#!/usr/bin/env bash
# Runs packaging/container/compose.yaml with podman-compose (the machine has no Docker): a
# client on the host creates a lyrics task whose callBackUrl names the receiver service, and
# the receiver gets it from `serve` over the compose network. Needs the image (build.sh).
# Usage: bash packaging/container/compose.sh [IMAGE]
set -euo pipefail
cd "$(dirname "$0")/../.."
export IMAGE="${1:-suno-mock:dev}"
work=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
export API_PORT RECEIVER_PORT
API_PORT=$(free_port)
RECEIVER_PORT=$(free_port)
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check 'podman-compose==1.6.0'
compose() {
  "$work/venv/bin/podman-compose" --podman-args="--runtime runc --storage-driver vfs" \
    -p suno-mock-compose -f packaging/container/compose.yaml "$@"
}
cleanup() { compose down >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
compose up -d >/dev/null 2>&1
api="http://127.0.0.1:$API_PORT"
for _ in $(seq 100); do curl -sf "$api/_mock/health" >/dev/null && break; sleep 0.1; done
task=$(curl -sf -H 'Authorization: Bearer sk-test' -H 'Content-Type: application/json' \
  -d '{"prompt":"rain","callBackUrl":"http://receiver:8000/callback"}' "$api/api/v1/lyrics" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["taskId"])')
for _ in $(seq 100); do
  processed=$(curl -s "http://127.0.0.1:$RECEIVER_PORT/state/$task" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("processed", 0))')
  [ "$processed" = 1 ] && break
  sleep 0.1
done
[ "$processed" = 1 ] || { echo "error: the receiver service never processed $task" >&2; exit 1; }
echo "compose: task $task created on the host, called back to http://receiver:8000/callback by serve, processed once"
