"""The receiver's own tests, written with the fixtures the suno-mock wheel registers."""

import json
import urllib.request

import pytest

import suno_mock


def test_the_correct_receiver_passes_every_must_rule(flask_receiver, suno_mock_check):
    r = flask_receiver()
    result = suno_mock_check(r.callback_url, args=["--probe-url", r.probe_url, "--seed", "7"])
    assert result.passed, str(result)
    assert result.exit_code == 0
    assert result.verdicts["idempotent-concurrent"] == "pass"
    assert result.verdicts["idempotent-duplicate"] == "pass"
    assert result.rule("ack-failure")["level"] == "must"
    assert result.report["command"] == "check"
    assert "idempotent-concurrent" in str(result)


def test_processing_concurrent_duplicates_twice_fails_idempotent_concurrent(
    flask_receiver, suno_mock_check
):
    r = flask_receiver(race=True)
    result = suno_mock_check(r.callback_url, args=["--probe-url", r.probe_url, "--seed", "7"])
    assert not result.passed
    assert result.exit_code == 1
    failed = result.rule("idempotent-concurrent")
    assert failed["verdict"] == "fail", failed["reason"]
    assert failed["evidence"]["deliveries"], failed
    # One copy at a time, the race does not show: the duplicate rule still passes.
    assert result.verdicts["idempotent-duplicate"] == "pass"


def test_a_tool_error_raises_with_its_message_never_a_silent_fail(suno_mock_check):
    with pytest.raises(suno_mock.SunoMockError) as bad_flag:
        suno_mock_check("http://127.0.0.1:9/callback", args=["--no-such-flag"])
    assert bad_flag.value.exit_code == 2
    assert "--no-such-flag" in str(bad_flag.value)
    with pytest.raises(suno_mock.SunoMockError) as unreachable:
        suno_mock_check("http://127.0.0.1:9/callback")
    assert unreachable.value.exit_code == 4
    assert "not reachable" in str(unreachable.value)


def _call(base, path, key, body=None):
    req = urllib.request.Request(
        base + path,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


def test_the_app_creates_a_video_and_its_receiver_gets_the_callback(
    flask_receiver, suno_mock_bin
):
    r = flask_receiver()
    # The ids name a track made before this server started: --any-track-ids takes them.
    with suno_mock.serve(args=["--any-track-ids"], binary=suno_mock_bin) as api:
        _video_flow(api, r)


def _create_video(api, r):
    """A music video of a track made before the server started; its task id."""
    created = _call(
        api.base_url,
        "/api/v1/mp4/generate",
        api.api_key,
        {"taskId": "task_10f612c9594a", "audioId": "419b523a-5e8e", "callBackUrl": r.callback_url},
    )
    return created["data"]["taskId"]


def _video_flow(api, r):
    task_id = _create_video(api, r)
    record = r.wait_for(task_id)
    assert record == {"code": 200, "processed": 1}
    # What the application polls shows the task done, with the video the callback carried.
    info = _call(api.base_url, f"/api/v1/mp4/record-info?taskId={task_id}", api.api_key)
    assert info["data"]["successFlag"] == "SUCCESS", info
    # The attempt is listed once its answer is read, which may be a moment after this.
    assert isinstance(api.deliveries(), list)
    assert any(t["taskId"] == task_id for t in api.tasks()), api.tasks()


def test_the_tools_own_receivers_get_the_right_verdicts(builtin_receiver, suno_mock_check):
    callback, probe = builtin_receiver()
    correct = suno_mock_check(callback, args=["--probe-url", probe])
    assert correct.passed, str(correct)
    callback, probe = builtin_receiver("fail-on-failure", "no-dedup")
    flawed = suno_mock_check(callback, args=["--probe-url", probe])
    assert not flawed.passed
    for rule in ("ack-failure", "idempotent-duplicate", "idempotent-concurrent"):
        assert flawed.verdicts[rule] == "fail", flawed.rule(rule)["reason"]
    assert flawed.verdicts["ack-success"] == "pass"


def test_serve_that_cannot_start_raises_with_its_message():
    with pytest.raises(suno_mock.SunoMockError) as e:
        with suno_mock.serve(args=["--no-such-flag"]):
            pass
    assert e.value.exit_code == 2
    assert "--no-such-flag" in str(e.value)


def test_flags_the_wrapper_also_sets_are_the_callers_to_give(builtin_receiver, tmp_path):
    # Issue 30: a flag of the caller's wins over the wrapper's own, instead of clap's
    # "cannot be used multiple times".
    callback, probe = builtin_receiver()
    mine = tmp_path / "mine.json"
    r = suno_mock.check(
        callback,
        family="music",
        args=["--family", "video", "--report-json", str(mine), "--probe-url", probe],
    )
    assert r.passed, str(r)
    assert json.loads(mine.read_text())["command"] == "check"
    assert "family music" not in r.text
    with pytest.raises(ValueError, match="first argument"):
        suno_mock.check(callback, args=["--receiver", callback])
    with suno_mock.serve(args=["--api-key=sk-mine"]) as api:
        assert api.api_key == "sk-mine"
        assert isinstance(api.tasks(), list)


@pytest.mark.suno_mock_serve("--any-track-ids", "--outcome", "failure", "--failure-code", "451")
def test_a_marker_sets_the_serve_fixtures_flags_a_failed_video(flask_receiver, suno_mock_serve):
    # Issue 30: the fixture takes serve's flags; the failure path, as an application sees it.
    r = flask_receiver()
    api = suno_mock_serve
    task_id = _create_video(api, r)
    assert r.wait_for(task_id) == {"code": 451, "processed": 1}
    info = _call(api.base_url, f"/api/v1/mp4/record-info?taskId={task_id}", api.api_key)
    assert info["data"]["successFlag"] != "SUCCESS", info


@pytest.mark.parametrize("suno_mock_serve", [["--credits", "0"]], indirect=True)
def test_an_indirect_parameter_sets_the_serve_fixtures_flags(suno_mock_serve):
    api = suno_mock_serve
    credit = _call(api.base_url, "/api/v1/generate/credit", api.api_key)
    assert credit["data"] == 0, credit


def test_check_and_serve_document_every_parameter_and_what_they_raise():
    """`help(suno_mock.check)` and `help(suno_mock.serve)` say what each parameter is, what
    comes back and which exceptions come out (issue 30)."""
    import inspect

    for fn, returns in ((suno_mock.check, "Returns:"), (suno_mock.serve, "Yields:")):
        doc = inspect.getdoc(fn)
        assert doc, fn
        for name in inspect.signature(fn).parameters:
            assert f"\n    {name}: " in doc or f"\n{name}: " in doc, (fn.__name__, name)
        assert returns in doc and "Raises:" in doc and "SunoMockError" in doc, fn.__name__
    assert "exit_code" in inspect.getdoc(suno_mock.SunoMockError)
    for attr in ("passed", "exit_code", "rules", "report", "text"):
        assert f"{attr}:" in inspect.getdoc(suno_mock.CheckResult), attr


def test_serve_stops_when_the_python_process_that_started_it_is_killed(suno_mock_bin):
    """A test process killed outright (SIGKILL: a runner's timeout, an OOM kill) leaves no
    `suno-mock serve` behind: the binary sees its pipe close and stops (issue 30)."""
    import os
    import socket
    import subprocess
    import sys
    import time

    script = (
        "import os, signal, suno_mock\n"
        "with suno_mock.serve() as s:\n"
        "    print(s.process.pid, s.base_url.rsplit(':', 1)[1], flush=True)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    env = dict(os.environ)
    if suno_mock_bin:
        env["SUNO_MOCK_BIN"] = suno_mock_bin
    p = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env
    )
    pid, port = (int(x) for x in p.stdout.readline().split())
    assert p.wait(timeout=30) == -9
    # The server is not our child, so its end cannot be awaited: look until its port is
    # closed, for at most 10 s.
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except ConnectionRefusedError:
            break
        assert time.monotonic() < deadline, f"serve (pid {pid}) still listens on {port}"
        time.sleep(0.05)
