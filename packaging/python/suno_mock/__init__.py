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
    """The tool could not do what it was asked; never raised for a verdict.

    ``str(error)`` is the tool's own message (what it printed on stderr), and ``exit_code``
    its exit status: 2 a bad flag or argument, 3 a bad scenario or plan file, 4 the receiver
    unreachable, a port taken or a report file that cannot be written, 130 interrupted.
    ``exit_code`` is None when the tool never ran (no binary found).
    """

    def __init__(self, message: str, exit_code: Optional[int] = None):
        super().__init__(message)
        self.exit_code = exit_code


def find_binary() -> str:
    """The path of the ``suno-mock`` binary to run.

    ``$SUNO_MOCK_BIN`` when set, else the binary this package was installed with (the
    environment's scripts folder, the user scheme's, or beside a ``--target`` install), else
    the first ``suno-mock`` on ``PATH``.

    Raises:
        SunoMockError: no binary is found (``exit_code`` is None).
    """
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
    # The binary stops when its standard input ends: this process holds the other end of the
    # pipe, and the kernel closes it when this process dies, however it dies (even SIGKILL,
    # a test runner's timeout), so no serve or check outlives us.
    env["SUNO_MOCK_STOP_ON_STDIN_EOF"] = "1"
    return env


def _spawn(cmd: Sequence[str]) -> "subprocess.Popen[str]":
    return subprocess.Popen(
        list(cmd),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )


def _drain(pipe: Any, into: list) -> threading.Thread:
    t = threading.Thread(target=lambda: into.append(pipe.read()), daemon=True)
    t.start()
    return t


def _message(p: "subprocess.CompletedProcess[str]") -> str:
    text = (p.stderr or "").strip() or (p.stdout or "").strip()
    return text or f"suno-mock exited {p.returncode}"


@dataclass
class CheckResult:
    """What ``suno-mock check`` found; ``str(result)`` is the human report.

    Attributes:
        passed: exit status 0: every must rule was seen to hold (should rules may warn,
            unless ``--strict`` is among the args).
        exit_code: 0 passed, 1 a rule failed (or warned under ``--strict``).
        rules: the JSON report's ``rules``, in order: dicts with ``id``, ``level``
            (``must``/``should``/``info``), ``verdict`` (``pass``/``fail``/``warn``/
            ``inconclusive``/``skip``), ``reason`` (one sentence) and ``evidence``
            (``deliveries`` with every attempt, ``observations`` of the probe).
        report: the whole JSON report, as ``--report-json`` writes it.
        text: the human report, as the terminal shows it (no colour).
    """

    passed: bool
    exit_code: int
    rules: list
    report: dict
    text: str = field(repr=False)

    def __str__(self) -> str:
        return self.text

    @property
    def verdicts(self) -> dict:
        """``{rule id: verdict}`` for every rule the run judged."""
        return {r["id"]: r["verdict"] for r in self.rules}

    def rule(self, rule_id: str) -> dict:
        """The entry of rule ``rule_id`` in ``rules``.

        Raises:
            KeyError: the run did not judge that rule (``--only`` left it out, or no such id).
        """
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
    """Runs ``suno-mock check`` against a receiver and returns its verdicts.

    A failing rule is a result (``passed`` False), never an exception: only the tool being
    unable to run the check raises.

    Args:
        receiver: the receiver's callback URL, as the application gives it in ``callBackUrl``
            (``http://127.0.0.1:8000/callback``).
        family: the callback family to send (``video``, ``music``, ``lyrics``, ``wav``...;
            ``suno-mock families`` lists them). A ``--family`` in ``args`` wins.
        args: more flags of ``suno-mock check``, as on the command line, like
            ``["--probe-url", "http://127.0.0.1:8000/state/{task_id}", "--seed", "7"]``. A
            ``--report-json`` among them is where the report is written and read back.
        binary: the ``suno-mock`` binary to run instead of :func:`find_binary`'s.
        timeout: seconds to wait for the whole check; None waits as long as it takes.

    Returns:
        CheckResult: the verdicts, the whole JSON report and the human text.

    Raises:
        SunoMockError: the tool could not run the check (a bad flag: 2, an unreachable
            receiver: 4, interrupted: 130; see ``exit_code``), or no binary was found.
        ValueError: ``args`` has ``--receiver`` (pass the receiver as the first argument).
        subprocess.TimeoutExpired: ``timeout`` passed; the tool has been stopped.
    """
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
        p = _spawn(cmd)
        out: list = []
        err: list = []
        readers = [_drain(p.stdout, out), _drain(p.stderr, err)]
        try:
            # The pipe to its stdin stays open while it runs: closing it would stop it.
            p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            raise
        finally:
            for t in readers:
                t.join()
            assert p.stdin is not None
            p.stdin.close()
        done = subprocess.CompletedProcess(cmd, p.returncode, "".join(out), "".join(err))
        if p.returncode not in _VERDICTS:
            raise SunoMockError(_message(done), p.returncode)
        with open(report_path, encoding="utf-8") as f:
            report = json.load(f)
    return CheckResult(
        passed=p.returncode == 0,
        exit_code=p.returncode,
        rules=report.get("rules", []),
        report=report,
        text=done.stdout,
    )


class MockServer:
    """A running ``suno-mock serve``, as :func:`serve` yields it.

    Point the application's API base URL at ``base_url`` and have it send
    ``Authorization: Bearer <api_key>``; the server creates tasks, calls back the
    ``callBackUrl`` each one names and answers its polls as the provider does.

    Attributes:
        base_url: ``http://127.0.0.1:<port>``, no trailing slash.
        api_key: the key the server accepts (the ``--api-key`` in args, else a random one).
        process: the ``subprocess.Popen`` of the server.
    """

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
        """``GET /_mock/tasks``: every task created so far, with its family, stage and state.

        Raises:
            urllib.error.URLError: the server is not answering (it was stopped).
        """
        return self._get("/_mock/tasks")

    def deliveries(self) -> Any:
        """``GET /_mock/deliveries``: every callback attempt so far, with the receiver's answer.

        Raises:
            urllib.error.URLError: the server is not answering (it was stopped).
        """
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
    finally:
        if p.stdin is not None:
            p.stdin.close()


@contextmanager
def serve(
    *, args: Sequence[str] = (), binary: Optional[str] = None
) -> Iterator[MockServer]:
    """Runs ``suno-mock serve`` (the mock provider API) for the length of a ``with`` block.

    It listens on a free loopback port with a random API key unless ``args`` say otherwise,
    and is stopped when the block ends (its last line is written; nothing is left running,
    and it stops by itself if this process dies).

    Args:
        args: more flags of ``suno-mock serve``, as on the command line, like
            ``["--generation-time", "1s"]``, ``["--plan", "plan.yaml"]`` or
            ``["--outcome", "failure"]``. A ``--listen`` or ``--api-key`` among them wins
            over the free port and the random key.
        binary: the ``suno-mock`` binary to run instead of :func:`find_binary`'s.

    Yields:
        MockServer: its ``base_url`` and ``api_key``, and ``tasks()``/``deliveries()``.

    Raises:
        SunoMockError: the server did not start (a bad flag: 2, a bad plan file: 3, the port
            taken: 4; see ``exit_code``), or no binary was found.
    """
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
    p = _spawn(cmd)
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
