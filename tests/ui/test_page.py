"""serve's live page (/_mock/ui) in a real browser: Debian's chromium driven by Playwright.

Each test starts `suno-mock serve` and a built-in receiver on loopback ports of their own,
creates tasks through the provider's API with a real HTTP client (urllib), and does on the page
what a user does. Run by tests/ui/run.sh (which installs Playwright and pytest in a venv of
its own); SUNO_MOCK_BIN names the binary, UI_SCREENSHOTS where the screenshots go.
"""

import http.client
import json
import os
import re
import signal
import subprocess
import threading
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

BIN = os.environ.get("SUNO_MOCK_BIN", "target/debug/suno-mock")
SHOTS = Path(os.environ.get("UI_SCREENSHOTS", "target/ui-screenshots"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def start(args, first_line):
    """Starts the tool and reads its output until `first_line` matches; returns the process and
    the match. Port 0: the system picks a free port, and the tool prints the one it bound."""
    p = subprocess.Popen([BIN, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen = []
    for line in p.stdout:
        seen.append(line)
        m = re.search(first_line, line)
        if m:
            return p, m
    raise AssertionError(f"{args}: no line matching {first_line!r} in:\n{''.join(seen)}")


def stop(p):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
    p.wait(timeout=10)


def drain(p):
    """Reads the rest of the tool's output, so a full pipe never stops it (serve logs every
    request)."""
    threading.Thread(target=lambda: [None for _ in p.stdout], daemon=True).start()


class Serve:
    def __init__(self, *extra, listen="127.0.0.1:0"):
        self.proc, _ = start(["serve", "--listen", listen, *extra], r"mock provider API on")
        line = self.proc.stdout.readline()
        m = re.search(r"live page: (http://[^/]+)(/_mock/ui\?token=([0-9a-f]+))", line)
        assert m, line
        self.base, self.page, self.token = m.group(1), m.group(1) + m.group(2), m.group(3)
        drain(self.proc)

    def create(self, callback, conn=None):
        """A music task, through the provider's create; `conn`: a kept-alive connection to send
        it on (else a connection of its own, as most clients do)."""
        body = json.dumps({"prompt": "a calm piano", "customMode": False, "instrumental": False, "model": "V4", "callBackUrl": callback})
        headers = {"Authorization": "Bearer k", "Content-Type": "application/json"}
        own = conn is None
        if own:
            conn = http.client.HTTPConnection(self.base.removeprefix("http://"), timeout=10)
        conn.request("POST", "/api/v1/generate", body=body, headers=headers)
        v = json.loads(conn.getresponse().read())
        if own:
            conn.close()
        assert v["code"] == 200, v
        return v["data"]["taskId"]

    def exchanges(self, task):
        with urllib.request.urlopen(f"{self.base}/_mock/tasks/{task}/exchanges", timeout=10) as r:
            return json.load(r)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def receiver():
    """The built-in music receiver with one planted flaw: it answers 500 to failure callbacks."""
    p, m = start(["receiver", "--listen", "127.0.0.1:0", "--family", "music", "--flaw", "fail-on-failure"], r"callbacks: POST (\S+)")
    drain(p)
    yield m.group(1)
    stop(p)


@pytest.fixture
def serve():
    # Tasks stay pending a minute unless failed: time for the page to act on them; no retries,
    # so each callback is one exchange.
    s = Serve("--generation-time", "60s", "--retries", "0", "--rate-limit", "off")
    yield s
    stop(s.proc)


def open_page(browser, url, width=1280, height=900):
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    expect(page.locator("#conn")).to_have_text("live")
    return page, errors


def post_json(url, data, headers):
    """POSTs `data`; the status and the JSON answer, whatever the status."""
    req = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def attempt(page, text):
    return page.locator("details.attempt", has_text=text)


def expect_ack_failure_marked(exchange, fix):
    """A 500 to a failure callback: the red ack-failure mark, explain's fix (`fix` in it) once
    opened, and the receiver's whole answer with its headers."""
    expect(exchange).to_contain_text("500 in")
    expect(exchange.locator(".mark.fail")).to_have_text("✗ ack-failure")
    exchange.locator("summary").click()
    expect(exchange.locator(".fix")).to_contain_text(fix)
    expect(exchange.locator("pre").nth(2)).to_contain_text(re.compile(r"HTTP 500\ncontent-type: \S+"))


def edit_and_send(page, old, new, shown=None):
    """Edit (the editor showing `shown`, when given), replace `old` by `new` in the body, Send:
    the sent exchange, opened, showing the edited body."""
    page.get_by_role("button", name="Edit", exact=True).click()
    body = page.locator("#edit-body")
    if shown is not None:
        expect(body).to_have_value(shown)
    body.fill(body.input_value().replace(old, new))
    page.get_by_role("button", name="Send", exact=True).click()
    edited = attempt(page, "edit copy 1 attempt 1")
    expect(edited).to_be_visible()
    edited.locator("summary").click()
    expect(edited.locator("pre").nth(1)).to_contain_text(new)
    return edited


def copied_curl(page):
    """Copy as curl, and the command it put on the clipboard."""
    page.get_by_role("button", name="Copy as curl", exact=True).click()
    expect(page.locator("#notice")).to_have_text("curl command copied")
    return page.evaluate("navigator.clipboard.readText()")


def test_tasks_appear_live_and_every_action_works_from_the_page(browser, serve, receiver, tmp_path):
    page, errors = open_page(browser, serve.page)
    expect(page.locator("#rows")).to_contain_text("No task yet")
    # Created through the API by a real client: on the page without a reload.
    first = serve.create(receiver)
    second = serve.create(receiver)
    row = page.locator(f"tr[data-task='{first}']")
    expect(row).to_contain_text("pending")
    expect(page.locator(f"tr[data-task='{second}']")).to_be_visible()
    expect(page.locator("#counts")).to_have_text("2 tasks, 0 failed")

    # Fail: the pending task becomes the family's failure callback, at once.
    row.click()
    expect(page.locator("#detail h2")).to_have_text(first)
    page.select_option("#code", "531")
    page.get_by_role("button", name="Fail", exact=True).click()
    # The receiver answered 500 to a failure callback: a red mark, with explain's fix, and the
    # whole exchange: the receiver's answer with its headers.
    expect_ack_failure_marked(attempt(page, "copy 1 attempt 1"), "ack-failure: answered 500 to a failure callback. Fix: record the failure")
    expect(page.locator("#detail .meta").first).to_contain_text("failed")
    expect(row).to_contain_text("failed")
    v = serve.exchanges(first)
    assert [s["stage"] for s in v["stages"]] == ["error"]
    assert json.loads(v["stages"][0]["body"])["code"] == 531

    # Resend: a new attempt, with the receiver's answer.
    page.get_by_role("button", name="Resend", exact=True).click()
    expect(attempt(page, "resend copy 1 attempt 1")).to_contain_text("500 in")

    # Duplicate, two copies at once.
    page.fill("#copies", "2")
    page.check("#together")
    page.get_by_role("button", name="Duplicate", exact=True).click()
    expect(attempt(page, "duplicate copy")).to_have_count(2)

    # Edit, then send: the body as edited reaches the receiver (judged on its timing alone).
    edited = edit_and_send(page, "Generation failed, credits refunded", "edited by hand", shown=re.compile('"code": 531'))
    expect(edited.locator(".mark.fail")).to_have_count(0)

    # Copy as curl: the command, with the stage's body.
    curl = copied_curl(page)
    assert curl.startswith("curl -sS -X POST '" + receiver + "'"), curl
    assert '"code":531' in curl

    # Expire: its media answer as expired ones do.
    page.get_by_role("button", name="Expire", exact=True).click()
    expect(page.locator("#detail .meta").first).to_contain_text("media expired")

    # Save as scenario: a file that `run` replays to the same answers.
    with page.expect_download() as d:
        page.get_by_role("button", name="Save as scenario", exact=True).click()
    saved = tmp_path / d.value.suggested_filename
    d.value.save_as(saved)
    text = saved.read_text()
    assert text.count("deliver: custom") == 5, text
    # Each answered 500: the edited body kept its failure code.
    assert text.count("expect: {status: 500}") == 5, text
    run = subprocess.run([BIN, "run", str(saved), "--receiver", receiver], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed, 0 failed" in run.stdout

    # Filters live in the URL, and a URL with them opens filtered.
    page.select_option("#f-status", "pending")
    expect(page.locator(f"tr[data-task='{first}']")).to_have_count(0)
    expect(page.locator(f"tr[data-task='{second}']")).to_be_visible()
    assert "status=pending" in page.url and f"task={first}" in page.url
    page.goto(page.url.replace("status=pending", "status=failed"))
    expect(page.locator("#conn")).to_have_text("live")
    expect(page.locator(f"tr[data-task='{first}']")).to_be_visible()
    expect(page.locator(f"tr[data-task='{second}']")).to_have_count(0)
    expect(page.locator("#detail h2")).to_have_text(first)
    assert errors == [], errors


class Record:
    """`suno-mock record` between the provider and the receiver, with its page on a listener of
    its own."""

    def __init__(self, receiver, out):
        self.proc, m = start(["record", "--listen", "127.0.0.1:0", "--forward-to", receiver, "--out", str(out), "--ui-listen", "127.0.0.1:0"], r"callbacks on (http://\S+?)/ ")
        self.callback = m.group(1) + "/callback"
        line = self.proc.stdout.readline()
        m = re.search(r"live page: (http://[^/]+)(/_mock/ui\?token=([0-9a-f]+))", line)
        assert m, line
        self.base, self.page, self.token = m.group(1), m.group(1) + m.group(2), m.group(3)
        drain(self.proc)

    def provider_sends(self, stage, task):
        """The provider's callback, sent through record by the tool's own sender (no retries)."""
        subprocess.run([BIN, "send", stage, "--family", "music", "--task", task, "--retries", "0", "--receiver", self.callback], capture_output=True, check=False)


def test_record_shows_each_callback_as_it_arrives_and_resends_it(browser, receiver, tmp_path):
    rec = Record(receiver, tmp_path / "recordings")
    try:
        page, errors = open_page(browser, rec.page)
        expect(page.locator("h1")).to_have_text("suno-mock record")
        expect(page.locator("#rows")).to_contain_text("No callback yet")
        # What the provider sends appears without a reload, its state read from the body.
        rec.provider_sends("text", "rec-ok")
        rec.provider_sends("failure", "rec-fail")
        expect(page.locator("tr[data-task='rec-ok']")).to_contain_text("generating")
        row = page.locator("tr[data-task='rec-fail']")
        expect(row).to_contain_text("failed")
        row.click()
        expect(page.locator("#detail .meta").first).to_contain_text("forwarded to " + receiver)
        # The real provider runs the task: nothing to fail or expire here.
        expect(page.get_by_role("button", name="Fail", exact=True)).to_have_count(0)
        expect(page.get_by_role("button", name="Expire", exact=True)).to_have_count(0)
        expect_ack_failure_marked(attempt(page, "received 1"), "answered 500 to a failure callback")

        # Resend and Duplicate go to the receiver again, with the receiver's answers.
        page.get_by_role("button", name="Resend", exact=True).click()
        expect(attempt(page, "resend copy 1 attempt 1")).to_contain_text("500 in")
        page.fill("#copies", "3")
        page.get_by_role("button", name="Duplicate", exact=True).click()
        expect(attempt(page, "duplicate copy")).to_have_count(3)
        # Edit, then send: the edited body reaches the receiver.
        edit_and_send(page, "Music generation failed", "edited by hand")
        assert copied_curl(page).startswith("curl -sS -X POST '" + receiver + "'")

        # Save as scenario: the task's file, the provider's one delivery and none of the page's.
        with page.expect_download() as d:
            page.get_by_role("button", name="Save as scenario", exact=True).click()
        saved = tmp_path / d.value.suggested_filename
        d.value.save_as(saved)
        text = saved.read_text()
        assert text == (tmp_path / "recordings" / "rec-fail.yaml").read_text()
        assert text.count("deliver: custom") == 1, text
        run = subprocess.run([BIN, "run", str(saved), "--receiver", receiver], capture_output=True, text=True)
        assert run.returncode == 0, run.stdout + run.stderr
        assert "1 passed, 0 failed" in run.stdout
        assert errors == [], errors
    finally:
        stop(rec.proc)


def test_record_s_actions_need_the_token(receiver, tmp_path):
    rec = Record(receiver, tmp_path / "recordings")
    try:
        rec.provider_sends("text", "rec-t")

        def post(headers):
            return post_json(f"{rec.base}/_mock/tasks/rec-t/resend", b"{}", headers)

        assert post({})[0] == 401
        assert post({"X-Suno-Mock-Token": rec.token, "Origin": "http://attacker.example"})[0] == 403
        status, v = post({"X-Suno-Mock-Token": rec.token})
        assert status == 202 and v["stage"] == "text", v
        # The provider's paths stay the receiver's: the page is not on record's own listener.
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(rec.callback.removesuffix("/callback") + "/_mock/ui", timeout=10)
    finally:
        stop(rec.proc)


def test_an_action_needs_the_token_and_the_pages_own_origin(serve, receiver):
    task = serve.create(receiver)

    def post(headers):
        return post_json(f"{serve.base}/_mock/tasks/{task}/fail", b'{"code": 531}', headers)

    assert post({})[0] == 401
    assert post({"X-Suno-Mock-Token": "0" * 32})[0] == 401
    # The API key is no token when serve takes any key.
    assert post({"Authorization": "Bearer k"})[0] == 401
    status, v = post({"X-Suno-Mock-Token": serve.token, "Origin": "http://attacker.example"})
    assert status == 403 and "another origin" in v["error"]
    status, v = post({"X-Suno-Mock-Token": serve.token, "Origin": serve.base})
    assert status == 202 and v["code"] == 531
    # Once failed, it is no longer pending.
    status, v = post({"X-Suno-Mock-Token": serve.token})
    assert status == 409 and "only a pending task" in v["error"]


def test_a_lost_connection_is_said_and_the_page_reconnects_and_resyncs(browser, receiver):
    s = Serve("--generation-time", "60s", "--rate-limit", "off")
    # Stopped however the test ends: a failed expectation left this serve running once.
    try:
        port = s.base.rsplit(":", 1)[1]
        page, _ = open_page(browser, s.page)
        old = s.create(receiver)
        expect(page.locator(f"tr[data-task='{old}']")).to_be_visible()
        stop(s.proc)
        expect(page.locator("#conn")).to_have_text("connection lost: reconnecting…")
        # A new serve on the same port: the page finds it and shows what it holds, not the old.
        s = Serve("--generation-time", "60s", "--rate-limit", "off", "--seed", "9", listen=f"127.0.0.1:{port}")
        expect(page.locator("#conn")).to_have_text("live", timeout=15000)
        expect(page.locator(f"tr[data-task='{old}']")).to_have_count(0)
        fresh = s.create(receiver)
        expect(page.locator(f"tr[data-task='{fresh}']")).to_be_visible()
    finally:
        stop(s.proc)


def fits(page):
    """Whatever is on screen lies inside the window, and no two controls overlap."""
    return page.evaluate(
        """() => {
        const W = window.innerWidth, bad = [];
        if (document.documentElement.scrollWidth > W) bad.push(`page ${document.documentElement.scrollWidth}px wide`);
        for (const e of document.querySelectorAll('body *')) {
          const r = e.getBoundingClientRect();
          if (r.width && r.height && getComputedStyle(e).visibility !== 'hidden' && r.right > W + 1) bad.push(`${e.tagName}#${e.id}.${e.className} ends at ${Math.round(r.right)}`);
        }
        const controls = [...document.querySelectorAll('.actions > *, header > *, #filters > *')].map(e => [e, e.getBoundingClientRect()]).filter(([, r]) => r.width && r.height);
        for (let i = 0; i < controls.length; i++) for (let j = i + 1; j < controls.length; j++) {
          const [a, ra] = controls[i], [b, rb] = controls[j];
          if (ra.left < rb.right - 1 && rb.left < ra.right - 1 && ra.top < rb.bottom - 1 && rb.top < ra.bottom - 1) bad.push(`${a.textContent.trim()} overlaps ${b.textContent.trim()}`);
        }
        return bad;
    }"""
    )


@pytest.mark.parametrize("width", [1280, 400])
def test_screenshots_fit_the_window(browser, serve, receiver, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    tasks = [serve.create(receiver) for _ in range(3)]
    page, errors = open_page(browser, serve.page, width=width, height=900)
    page.locator(f"tr[data-task='{tasks[0]}']").click()
    page.get_by_role("button", name="Fail", exact=True).click()
    expect(page.locator(".mark.fail").first).to_be_visible()
    page.locator("details.attempt summary").first.click()
    assert fits(page) == []
    page.screenshot(path=str(SHOTS / f"serve-ui-{width}.png"), full_page=True)
    assert errors == [], errors


def test_ten_thousand_tasks_are_paged(browser, receiver):
    """The list draws a page of 100 rows whatever the number of tasks; the rest are a click
    away, and a filter looks through all of them."""
    s = Serve("--generation-time", "1h", "--rate-limit", "off", "--credits", "1000000")
    try:
        page, errors = open_page(browser, s.page)
        conn = http.client.HTTPConnection(s.base.removeprefix("http://"), timeout=10)
        made = [s.create(receiver, conn) for _ in range(10_000)]
        conn.close()
        expect(page.locator("#page")).to_have_text("1–100 of 10000", timeout=60000)
        expect(page.locator("tr.task")).to_have_count(100)
        page.get_by_role("button", name="older ›", exact=True).click()
        expect(page.locator("#page")).to_have_text("101–200 of 10000")
        page.fill("#f-task", made[1234])
        expect(page.locator("tr.task")).to_have_count(1)
        assert errors == [], errors
    finally:
        stop(s.proc)
