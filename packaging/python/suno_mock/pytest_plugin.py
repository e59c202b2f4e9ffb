"""The pytest plugin, registered through the `pytest11` entry point: installing the wheel is
enough. Fixtures: `suno_mock_serve` (a running mock provider API per test, its flags from the
`suno_mock_serve` marker or an indirect parameter) and `suno_mock_check` (the `check`
function); option `--suno-mock-bin PATH` uses another binary."""

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


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "suno_mock_serve(*flags): the flags of the suno_mock_serve fixture's `suno-mock serve`, "
        "like @pytest.mark.suno_mock_serve('--outcome', 'failure', '--generation-time', '100ms')",
    )


@pytest.fixture
def suno_mock_bin(request):
    """The binary the fixtures run (`--suno-mock-bin`, else the installed one)."""
    return request.config.getoption("--suno-mock-bin")


@pytest.fixture
def suno_mock_serve(request, suno_mock_bin):
    """A running `suno-mock serve` on a free loopback port, stopped after the test: its
    `base_url`, `api_key`, `tasks()` and `deliveries()`. Its flags come from the test's
    `@pytest.mark.suno_mock_serve(*flags)` (the closest one: a test's over its class's or
    module's), then from an indirect parameter (`@pytest.mark.parametrize("suno_mock_serve",
    [["--outcome", "failure"]], indirect=True)`), so one module can try each outcome."""
    args = []
    marker = request.node.get_closest_marker("suno_mock_serve")
    if marker is not None:
        args += [str(a) for a in marker.args]
    param = getattr(request, "param", None)
    if param is not None:
        args += [param] if isinstance(param, str) else [str(a) for a in param]
    with serve(args=args, binary=suno_mock_bin) as server:
        yield server


@pytest.fixture
def suno_mock_check(suno_mock_bin):
    """`suno_mock.check`, running the binary the session was told to use."""
    return functools.partial(check, binary=suno_mock_bin)
