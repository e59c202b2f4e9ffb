# Sourced by build.sh and static-check.sh: makes ready the musl build of this machine's architecture
# (TARGET, unless set): the Rust target, Debian's musl-tools (ring's C code is compiled with
# musl-gcc), and the C compiler cargo is to use for it.
TARGET="${TARGET:-$(uname -m)-unknown-linux-musl}"
export PATH="$HOME/.cargo/bin:$PATH"
if ! rustup target list --installed | grep -qx "$TARGET"; then
  rustup target add "$TARGET"
fi
if ! command -v musl-gcc >/dev/null; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo -n"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq musl-tools >/dev/null
fi
export "CC_${TARGET//-/_}=musl-gcc"
