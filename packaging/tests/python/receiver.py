"""A music-video callback receiver as a Flask team writes one: it checks the body, records the
task once and answers 200 at once. `race=True` plants the classic bug: it checks whether the
task is new and records it without a lock, so copies that arrive together are all "new"."""

import threading
import time
import urllib.request

from flask import Flask, jsonify, request


def _download(url: str) -> None:
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            r.read()
    except Exception:  # the media host went away with the check: nothing to keep
        pass


def create_app(race: bool = False) -> Flask:
    app = Flask(__name__)
    lock = threading.Lock()
    tasks: dict = {}
    # Told whenever a task is recorded, so a test waits for a callback instead of sleeping.
    app.config["RECORDED"] = recorded = threading.Condition()
    app.config["TASKS"] = tasks

    @app.post("/callback")
    def callback():
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return jsonify(error="the body is not a JSON object"), 400
        data = body.get("data")
        if not isinstance(data, dict) or not isinstance(data.get("task_id"), str):
            return jsonify(error="data.task_id is missing"), 422
        if not isinstance(body.get("code"), int):
            return jsonify(error="code is not a number"), 422
        task_id = data["task_id"]
        if race:
            new = task_id not in tasks
            time.sleep(0.05)  # the database round trip between the check and the write
            if new:
                record = tasks.setdefault(task_id, {"code": body["code"], "processed": 0})
                record["processed"] += 1
        else:
            with lock:
                new = task_id not in tasks
                tasks.setdefault(task_id, {"code": body["code"], "processed": 1})
        # The video link expires: fetch it in the background, after answering.
        if new and isinstance(data.get("video_url"), str):
            threading.Thread(target=_download, args=(data["video_url"],), daemon=True).start()
        with recorded:
            recorded.notify_all()
        return jsonify(status="received")

    @app.get("/state/<task_id>")
    def state(task_id):
        return jsonify(tasks.get(task_id, {"processed": 0}))

    return app
