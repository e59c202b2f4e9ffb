#!/usr/bin/env bash
# serve's live page in a real browser: Playwright (Python) driving Debian's chromium, from the
# venv tests/ui/install.sh makes. Uses the tests' build of the tool (target/debug/suno-mock, or
# SUNO_MOCK_BIN) and writes the screenshots to target/ui-screenshots. Extra arguments go to
# pytest (`-k reconnects`, say).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tests/ui/install.sh
export SUNO_MOCK_BIN="${SUNO_MOCK_BIN:-$PWD/target/debug/suno-mock}"
export UI_SCREENSHOTS="${UI_SCREENSHOTS:-$PWD/target/ui-screenshots}"
exec target/ui-tools/bin/pytest -q -p no:cacheprovider tests/ui "$@"
