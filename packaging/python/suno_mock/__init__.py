"""suno-mock from Python: `check()` judges a callback receiver, `serve()` runs the mock provider
API, and the pytest plugin (registered on install) gives both as fixtures.

The wheel carries the `suno-mock` binary itself; nothing here needs a Rust toolchain.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Optional, Sequence

__all__ = [
    "CheckResult",
    "MockServer",
    "SunoMockError",
    "check",
    "find_binary",
    "serve",
]

_EXE = "suno-mock" + (".exe" if sys.platform == "win32" else "")

# The exit statuses that are a verdict; every other one is the tool refusing to run.
_VERDICTS = (0, 1)


class SunoMockError(RuntimeError):
    """The tool could not do what it was asked (a bad flag: 2, a bad scenario file: 3, the
    receiver unreachable or a port taken: 4, interrupted: 130). Carries its message."""

    def __init__(self, message: str, exit_code: Optional[int] = None):
        super().__init__(message)
        self.exit_code = exit_code


def find_binary() -> str:
    """The `suno-mock` binary: `$SUNO_MOCK_BIN`, else the one this package was installed with
    (the environment's scripts folder, the user scheme's, or beside a `--target` install),
    else the first on `PATH`."""
    given = os.environ.get("SUNO_MOCK_BIN")
    if given:
        return given
    candidates = [Path(sysconfig.get_path("scripts")) / _EXE]
    user_scheme = {
        "nt": "nt_user",
        "posix": "posix_user",
    }.get(os.name)
    if sys.platform == "darwin" and sys._framework:  # type: ignore[attr-defined]
        user_scheme = "osx_framework_user"
    if user_scheme:
        try:
            candidates.append(Path(sysconfig.get_path("scripts", scheme=user_scheme)) / _EXE)
        except KeyError:
            pass
    candidates.append(Path(__file__).resolve().parent.parent.parent / "bin" / _EXE)
    for c in candidates:
        if c.is_file():
            return str(c)
    found = shutil.which(_EXE)
    if found:
        return found
    raise SunoMockError(
        "the suno-mock binary is not installed with this package and not on PATH; "
        "reinstall the wheel, or set SUNO_MOCK_BIN"
    )


def _env() -> dict:
    env = dict(os.environ)
    env["NO_COLOR"] = "1"
    return env


def _message(p: "subprocess.CompletedProcess[str]") -> str:
    text = (p.stderr or "").strip() or (p.stdout or "").strip()
    return text or f"suno-mock exited {p.returncode}"


@dataclass
class CheckResult:
    """What `suno-mock check` found. `passed` is exit status 0: every must rule was seen to
    hold (should rules may warn unless `--strict` is among the args)."""

    passed: bool
    exit_code: int
    #: The JSON report's `rules`: dicts with `id`, `level`, `verdict`, `reason`, `evidence`.
    rules: list
    #: The whole JSON report.
    report: dict
    #: The human report, as the terminal shows it.
    text: str = field(repr=False)

    def __str__(self) -> str:
        return self.text

    @property
    def verdicts(self) -> dict:
        """`{rule id: verdict}`."""
        return {r["id"]: r["verdict"] for r in self.rules}

    def rule(self, rule_id: str) -> dict:
        """The rule's entry; KeyError when the run did not judge it."""
        for r in self.rules:
            if r["id"] == rule_id:
                return r
        raise KeyError(rule_id)


def _flag(args: Sequence[str], name: str) -> Optional[str]:
    """The value `args` give flag `name` (`--name VALUE` or `--name=VALUE`), else None."""
    for i, a in enumerate(args):
        if a == name and i + 1 < len(args):
            return args[i + 1]
        if a.startswith(name + "="):
            return a[len(name) + 1 :]
    return None


def check(
    receiver: str,
    *,
    family: str = "video",
    args: Sequence[str] = (),
    binary: Optional[str] = None,
    timeout: Optional[float] = None,
) -> CheckResult:
    """Runs `suno-mock check --receiver RECEIVER --family FAMILY ARGS...` and returns its
    verdicts. Raises `SunoMockError` when the tool could not run the check."""
    exe = binary or find_binary()
    args = list(args)
    if _flag(args, "--receiver") is not None:
        raise ValueError(
            "check(): pass the receiver as the first argument, not --receiver in args"
        )
    with tempfile.TemporaryDirectory(prefix="suno-mock-") as d:
        # A value the caller gives in args wins over the wrapper's own: --family over
        # family=, and a --report-json of theirs is the report read back.
        report_path = _flag(args, "--report-json") or os.path.join(d, "report.json")
        cmd = [exe, "check", "--receiver", receiver]
        if _flag(args, "--family") is None:
            cmd += ["--family", family]
        if _flag(args, "--report-json") is None:
            cmd += ["--report-json", report_path]
        cmd += args
        p = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            env=_env(),
            stdin=subprocess.DEVNULL,
            timeout=timeout,
        )
        if p.returncode not in _VERDICTS:
            raise SunoMockError(_message(p), p.returncode)
        with open(report_path, encoding="utf-8") as f:
            report = json.load(f)
    return CheckResult(
        passed=p.returncode == 0,
        exit_code=p.returncode,
        rules=report.get("rules", []),
        report=report,
        text=p.stdout,
    )


class MockServer:
    """A running `suno-mock serve`: point your application's API base URL at `base_url` and
    send `Authorization: Bearer <api_key>`."""

    def __init__(self, base_url: str, api_key: str, process: "subprocess.Popen[str]"):
        self.base_url = base_url
        self.api_key = api_key
        self.process = process

    def _get(self, path: str) -> Any:
        req = urllib.request.Request(
            self.base_url + path,
            headers={"Authorization": f"Bearer {self.api_key}"},
        )
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read().decode("utf-8"))

    def tasks(self) -> Any:
        """`GET /_mock/tasks`: every task created so far, with its state."""
        return self._get("/_mock/tasks")

    def deliveries(self) -> Any:
        """`GET /_mock/deliveries`: every callback attempt so far, with its answer."""
        return self._get("/_mock/deliveries")

    def __repr__(self) -> str:
        return f"MockServer(base_url={self.base_url!r})"


_LISTENING = re.compile(r"mock provider API on (https?://\S+)")


def _stop(p: "subprocess.Popen[str]") -> None:
    if p.poll() is not None:
        return
    if os.name == "posix":
        p.send_signal(signal.SIGINT)
    else:
        p.terminate()
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


@contextmanager
def serve(
    *, args: Sequence[str] = (), binary: Optional[str] = None
) -> Iterator[MockServer]:
    """Starts `suno-mock serve ARGS...` on a free loopback port and stops it on exit.
    Raises `SunoMockError` when it does not start (a bad flag, a bad plan file)."""
    exe = binary or find_binary()
    args = list(args)
    # The caller's --listen and --api-key win over the wrapper's free port and random key.
    api_key = _flag(args, "--api-key") or "sk-mock-" + os.urandom(8).hex()
    cmd = [exe, "serve"]
    if _flag(args, "--listen") is None:
        cmd += ["--listen", "127.0.0.1:0"]
    if _flag(args, "--api-key") is None:
        cmd += ["--api-key", api_key]
    cmd += args
    p = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=_env(),
    )
    try:
        assert p.stdout is not None and p.stderr is not None
        first = p.stdout.readline()
        m = _LISTENING.search(first)
        if not m:
            p.wait(timeout=10)
            raise SunoMockError(
                (p.stderr.read() or first).strip() or f"serve exited {p.returncode}",
                p.returncode,
            )
        # Drain both pipes so the server never blocks on a full one.
        for pipe in (p.stdout, p.stderr):
            threading.Thread(target=lambda f=pipe: f.read(), daemon=True).start()
        yield MockServer(m.group(1), api_key, p)
    finally:
        _stop(p)
