#!/usr/bin/env bash
# Runs packaging/container/testcontainers/test_serve.py (Python's testcontainers starting the
# image for a test) against podman's Docker-compatible API, as a machine without Docker runs
# it. Needs the image (build.sh). Usage: bash packaging/container/testcontainers.sh [IMAGE]
set -euo pipefail
cd "$(dirname "$0")/../.."
IMAGE="${1:-suno-mock:dev}"
PODMAN="${PODMAN:-podman --runtime runc --storage-driver vfs}"
work=$(mktemp -d)
service=""
cleanup() {
  if [ -n "$service" ]; then kill "$service" 2>/dev/null || true; wait "$service" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check 'testcontainers==4.15.0' pytest
$PODMAN system service --time 0 "unix://$work/podman.sock" &
service=$!
for _ in $(seq 100); do [ -S "$work/podman.sock" ] && break; sleep 0.05; done
# Ryuk, testcontainers' reaper, is an image from Docker Hub, which this machine cannot reach;
# the `with` block stops the container itself.
# The published ports are on this machine's loopback (testcontainers, finding itself in a
# container here, would otherwise look for a gateway).
DOCKER_HOST="unix://$work/podman.sock" TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 TESTCONTAINERS_CONNECTION_MODE=docker_host SUNO_MOCK_IMAGE="$IMAGE" \
  "$work/venv/bin/python" -m pytest -v -p no:cacheprovider packaging/container/testcontainers/test_serve.py
