#!/usr/bin/env bash
# Fails unless the binary given is statically linked: what the image, made FROM scratch with no
# libc in it, needs. Usage: bash packaging/container/static.sh PATH
set -euo pipefail
bin="$1"
info=$(file -b "$bin")
case "$info" in
  *"statically linked"* | *"static-pie linked"*) echo "static: $bin ($(du -k "$bin" | cut -f1) KiB)" ;;
  *) echo "error: $bin is not static: $info" >&2; exit 1 ;;
esac
if readelf -d "$bin" 2>/dev/null | grep -q NEEDED; then
  echo "error: $bin needs shared libraries:" >&2
  readelf -d "$bin" | grep NEEDED >&2
  exit 1
fi
