#!/usr/bin/env bash
# serve's live page in a real browser: Playwright (Python) driving Debian's chromium, installed
# into a venv of its own (target/ui-tools) with the versions pinned here. Uses the tests' build
# of the tool (target/debug/suno-mock, or SUNO_MOCK_BIN) and writes the screenshots to
# target/ui-screenshots. Playwright's own browser download is never used: the system's chromium
# is given by path, so nothing is fetched but the two packages.
set -euo pipefail
cd "$(dirname "$0")/../.."
tools=target/ui-tools
if [ ! -x "$tools/bin/pytest" ] || ! "$tools/bin/python" -c 'import playwright' 2>/dev/null; then
  [ -x "$tools/bin/pip" ] || python3 -m venv "$tools"
  "$tools/bin/pip" install --quiet --disable-pip-version-check 'playwright==1.65.3' 'pytest==8.4.2'
fi
export SUNO_MOCK_BIN="${SUNO_MOCK_BIN:-$PWD/target/debug/suno-mock}"
export UI_SCREENSHOTS="${UI_SCREENSHOTS:-$PWD/target/ui-screenshots}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
exec "$tools/bin/pytest" -q -p no:cacheprovider tests/ui "$@"
