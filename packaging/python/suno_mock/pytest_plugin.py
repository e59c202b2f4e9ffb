"""The pytest plugin, registered through the `pytest11` entry point: installing the wheel is
enough. Fixtures: `suno_mock_serve` (a running mock provider API per test) and
`suno_mock_check` (the `check` function); option `--suno-mock-bin PATH` uses another binary."""

from __future__ import annotations

import functools

import pytest

from . import check, serve


def pytest_addoption(parser):
    group = parser.getgroup("suno-mock")
    group.addoption(
        "--suno-mock-bin",
        action="store",
        default=None,
        metavar="PATH",
        help="the suno-mock binary to use (default: the one installed with the package)",
    )


@pytest.fixture
def suno_mock_bin(request):
    """The binary the fixtures run (`--suno-mock-bin`, else the installed one)."""
    return request.config.getoption("--suno-mock-bin")


@pytest.fixture
def suno_mock_serve(suno_mock_bin):
    """A running `suno-mock serve` on a free loopback port, stopped after the test: its
    `base_url`, `api_key`, `tasks()` and `deliveries()`."""
    with serve(binary=suno_mock_bin) as server:
        yield server


@pytest.fixture
def suno_mock_check(suno_mock_bin):
    """`suno_mock.check`, running the binary the session was told to use."""
    return functools.partial(check, binary=suno_mock_bin)
