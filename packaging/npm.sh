#!/usr/bin/env bash
# The npm packages, into OUT (default dist/):
#   bash packaging/npm.sh platform linux-x64 target/release/suno-mock [OUT]
#       @suno-mock/linux-x64: the binary of one platform (os and cpu set, so npm installs it
#       only there)
#   bash packaging/npm.sh main "linux-x64 darwin-arm64 ..." [OUT]
#       suno-mock: the JS API, its types and the launcher, naming those platform packages as
#       optional dependencies (npm installs the one that fits)
# build.sh runs both for this machine; the release workflow runs the first once per platform.
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:?platform or main}"
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
stage=target/packaging/npm

pack() {
  local dir="$1" out="$2"
  mkdir -p "$out"
  local abs_out
  abs_out="$(cd "$out" && pwd)"
  (cd "$dir" && npm pack --silent --pack-destination "$abs_out" >/dev/null)
}

case "$what" in
  platform)
    platform="${2:?a platform like linux-x64}"
    binary="${3:?the binary}"
    out="${4:-dist}"
    dir="$stage/$platform"
    rm -rf "$dir"
    mkdir -p "$dir/bin"
    sed -e "s/@PLATFORM@/$platform/g" -e "s/@VERSION@/$version/g" \
      -e "s/@OS@/${platform%-*}/g" -e "s/@CPU@/${platform#*-}/g" \
      packaging/npm/platform/package.json.in > "$dir/package.json"
    cp "$binary" "$dir/bin/"
    chmod +x "$dir/bin/$(basename "$binary")"
    pack "$dir" "$out"
    ;;
  main)
    platforms="${2:?the platforms it names}"
    out="${3:-dist}"
    dir="$stage/suno-mock"
    rm -rf "$dir"
    mkdir -p "$dir"
    cp -R packaging/npm/suno-mock/. "$dir/"
    node -e '
      const fs = require("fs");
      const [file, version, platforms] = process.argv.slice(1);
      const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
      pkg.version = version;
      pkg.optionalDependencies = Object.fromEntries(
        platforms.split(/\s+/).filter(Boolean).map((p) => ["@suno-mock/" + p, version]));
      fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
    ' "$dir/package.json" "$version" "$platforms"
    pack "$dir" "$out"
    ;;
  *)
    echo "error: $what: say platform or main" >&2
    exit 2
    ;;
esac
