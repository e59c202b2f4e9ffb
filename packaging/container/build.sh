#!/usr/bin/env bash
# Builds the suno-mock image from the static binary: the musl build of the release profile
# (installing the musl target and Debian's musl-tools when missing), checked to be static,
# then `podman build` with nothing in the context but the binary and the Containerfile.
# Usage: bash packaging/container/build.sh [TAG]   (TAG default: suno-mock:dev)
# Podman runs as this machine allows: runtime runc, storage driver vfs (set PODMAN to change).
set -euo pipefail
cd "$(dirname "$0")/../.."
TAG="${1:-suno-mock:dev}"
source packaging/container/musl.sh
case "$TARGET" in
  x86_64-*) arch=amd64 ;;
  aarch64-*) arch=arm64 ;;
  *) echo "error: no image for $TARGET" >&2; exit 2 ;;
esac
PODMAN="${PODMAN:-podman --runtime runc --storage-driver vfs}"
cargo build --release --locked --target "$TARGET" --bin suno-mock
bin="target/$TARGET/release/suno-mock"
bash packaging/container/static.sh "$bin"

context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
# Without its symbol table: a fifth of the file, and nothing a user of the image reads.
mkdir "$context/$arch"
strip -o "$context/$arch/suno-mock" "$bin"
cp packaging/container/Containerfile "$context/Containerfile"
version=$("$bin" --version | awk '{print $2}')
$PODMAN build --format docker --quiet -t "$TAG" --build-arg "TARGETARCH=$arch" \
  --build-arg "VERSION=$version" --build-arg "SOURCE=${SOURCE_URL:-}" \
  -f "$context/Containerfile" "$context" >/dev/null
size=$($PODMAN image inspect "$TAG" --format '{{.Size}}')
echo "image $TAG: version $version, $((size / 1024)) KiB"
