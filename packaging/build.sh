#!/usr/bin/env bash
# Builds dist/ from this checkout: a Python wheel for this platform that carries the binary
# (maturin, bindings = "bin", with the Python package in packaging/python), and the npm
# packages laid out as esbuild and biome lay theirs out: `suno-mock` (the JS API, TypeScript
# types and the `suno-mock` launcher) and `@suno-mock/<os>-<cpu>` (the binary of one
# platform), the first naming the second as an optional dependency.
#
#   SUNO_MOCK_PROFILE=dev   build with cargo's dev profile (CI: reuses the test build)
#   NPM_PLATFORMS="linux-x64 darwin-arm64 ..."   the platform packages the main one names
#                           (default: this platform; the release workflow names them all)
set -euo pipefail
cd "$(dirname "$0")/.."

profile="${SUNO_MOCK_PROFILE:-release}"
out=dist
tools=target/packaging/tools

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) platform=linux-x64 ;;
  Linux-aarch64) platform=linux-arm64 ;;
  Darwin-x86_64) platform=darwin-x64 ;;
  Darwin-arm64) platform=darwin-arm64 ;;
  MINGW*-x86_64 | MSYS*-x86_64) platform=win32-x64 ;;
  *) echo "error: no npm platform name for $(uname -s)-$(uname -m)" >&2; exit 2 ;;
esac
npm_platforms="${NPM_PLATFORMS:-$platform}"

rm -rf "$out"
mkdir -p "$out"

# maturin lives in a virtual environment of its own, made once.
if [ ! -x "$tools/bin/maturin" ]; then
  echo "== installing maturin into $tools"
  python3 -m venv "$tools"
  "$tools/bin/pip" install --quiet --disable-pip-version-check 'maturin>=1.5,<2'
fi

echo "== wheel ($profile)"
if [ "$profile" = release ]; then
  "$tools/bin/maturin" build --locked --release --out "$out"
  bindir=target/release
else
  "$tools/bin/maturin" build --locked --profile "$profile" --out "$out"
  bindir=target/debug
fi
exe=suno-mock
[ "$platform" = win32-x64 ] && exe=suno-mock.exe

echo "== npm packages ($platform; the main one names: $npm_platforms)"
bash packaging/npm.sh platform "$platform" "$bindir/$exe" "$out"
bash packaging/npm.sh main "$npm_platforms" "$out"

echo "== built"
ls -l "$out"
