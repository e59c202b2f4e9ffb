"""`python -m suno_mock ARGS...` runs the binary this package carries."""

import os
import subprocess
import sys

from . import find_binary


def main() -> int:
    exe = find_binary()
    if os.name == "posix":
        os.execv(exe, [exe, *sys.argv[1:]])
    return subprocess.call([exe, *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
