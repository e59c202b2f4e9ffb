#!/usr/bin/env bash
# Installs what tests/ui/run.sh drives the page with, once: Playwright and pytest (versions
# pinned here) in a venv of its own, target/ui-tools. Playwright's own browser download is never
# used (the tests give Debian's chromium by path), so nothing is fetched but the two packages.
set -euo pipefail
cd "$(dirname "$0")/../.."
tools=target/ui-tools
if [ ! -x "$tools/bin/pytest" ] || ! "$tools/bin/python" -c 'import playwright' 2>/dev/null; then
  [ -x "$tools/bin/pip" ] || python3 -m venv "$tools"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 "$tools/bin/pip" install --quiet --disable-pip-version-check \
    'playwright==1.65.3' 'pytest==8.4.2'
fi
