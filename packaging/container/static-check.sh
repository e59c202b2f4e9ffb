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
bash packaging/container/static.sh "$CARGO_TARGET_DIR/$TARGET/debug/suno-mock"
