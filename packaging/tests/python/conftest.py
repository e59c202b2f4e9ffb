"""Runs the Flask receiver on a loopback port of its own for a test."""

import re
import subprocess
import threading

import pytest
from werkzeug.serving import make_server

import suno_mock
from receiver import create_app


class Running:
    def __init__(self, race: bool):
        self.app = create_app(race=race)
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.callback_url = self.base + "/callback"
        self.probe_url = self.base + "/state/{task_id}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait_for(self, task_id: str, timeout: float = 30.0) -> dict:
        """The task's record, once its callback has arrived."""
        tasks = self.app.config["TASKS"]
        recorded = self.app.config["RECORDED"]
        with recorded:
            assert recorded.wait_for(lambda: task_id in tasks, timeout), f"no callback for {task_id}"
            return dict(tasks[task_id])

    def stop(self):
        self.server.shutdown()
        self.thread.join()


@pytest.fixture
def flask_receiver():
    started = []

    def start(race: bool = False) -> Running:
        r = Running(race)
        started.append(r)
        return r

    yield start
    for r in started:
        r.stop()


@pytest.fixture
def builtin_receiver(suno_mock_bin):
    """`suno-mock receiver` (the tool's own reference receiver, with `--flaw`s when given) on a
    free loopback port: its callback URL and probe URL template."""
    started = []

    def start(*flaws: str):
        cmd = [suno_mock_bin or suno_mock.find_binary(), "receiver", "--listen", "127.0.0.1:0"]
        if flaws:
            cmd += ["--flaw", ",".join(flaws)]
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        started.append(p)
        lines = [p.stdout.readline() for _ in range(3)]
        callback = re.search(r"POST (\S+)", lines[1]).group(1)
        probe = re.search(r"GET\s+(\S+)", lines[2]).group(1)
        return callback, probe

    yield start
    for p in started:
        p.terminate()
        p.wait()
