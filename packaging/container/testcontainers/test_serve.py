"""`serve` in a container for one test, started by Python's testcontainers: what an
application's own test suite does with the image (as it would with WireMock's or LocalStack's).
packaging/container/testcontainers.sh runs it against podman's Docker-compatible socket."""

import json
import os
import time
import urllib.request

import docker
from testcontainers.core.container import DockerContainer
from testcontainers.core.wait_strategies import LogMessageWaitStrategy

IMAGE = os.environ.get("SUNO_MOCK_IMAGE", "suno-mock:dev")


def call(base, path, body=None):
    req = urllib.request.Request(
        base + path,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": "Bearer sk-test", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def test_a_lyrics_task_is_created_and_polled_to_its_end():
    suno = (
        DockerContainer(IMAGE)
        .with_exposed_ports(8080)
        .with_env("SUNO_MOCK_API_KEY", "sk-test")
        .with_command(["serve", "--listen", "0.0.0.0:8080", "--generation-time", "200ms"])
        .waiting_for(LogMessageWaitStrategy("mock provider API on"))
        # Only what this machine allows (a runner with Docker needs none of it).
        .with_kwargs(
            ulimits=[
                docker.types.Ulimit(name="nofile", soft=1024, hard=1024),
                docker.types.Ulimit(name="nproc", soft=1000, hard=1000),
            ]
        )
    )
    with suno:
        base = f"http://{suno.get_container_host_ip()}:{suno.get_exposed_port(8080)}"
        assert call(base, "/_mock/health")["status"] == "ready"
        # Its callback goes nowhere: polling is how this application learns the result.
        created = call(base, "/api/v1/lyrics", {"prompt": "rain", "callBackUrl": "http://127.0.0.1:9/cb"})
        task_id = created["data"]["taskId"]
        deadline = time.monotonic() + 20
        while True:
            info = call(base, f"/api/v1/lyrics/record-info?taskId={task_id}")["data"]
            if info["status"] == "SUCCESS":
                break
            assert time.monotonic() < deadline, info
            time.sleep(0.1)
        assert info["response"]["data"][0]["text"], info
