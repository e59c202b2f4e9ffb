#!/usr/bin/env bash
# The part of the image's proof that fits in .ci/run: the binary the Containerfile copies, built
# for musl, is static. Built here in the dev profile (the release workflow builds the release
# one and proves the image with packaging/container/test.sh), in a target directory of its own
# (target/musl unless CARGO_TARGET_DIR says otherwise) so it can run beside the tests' build.
set -euo pipefail
cd "$(dirname "$0")/../.."
source packaging/container/musl.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target/musl}"
cargo build --quiet --locked --target "$TARGET" --bin suno-mock
# What the build cost, for .ci/run's breakdown (bench/README.md, "CI time").
times_file=$(mktemp)
times >"$times_file"
echo "musl build: ${SECONDS}s, $(awk 'NR == 2 { split($1, u, "m"); split($2, s, "m"); printf "%d", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$times_file") CPU-s"
rm -f "$times_file"
bash packaging/container/static.sh "$CARGO_TARGET_DIR/$TARGET/debug/suno-mock"
