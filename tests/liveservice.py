"""Run examples/leakyservice (a real Go HTTP service) and its load generator in tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import ROOT, go_binary

SERVICE_DIR = os.path.join(ROOT, "examples", "leakyservice")
LOADGEN = os.path.join(ROOT, "examples", "loadgen.py")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build_service(out: Path) -> Path:
    env = dict(os.environ, GOTOOLCHAIN="local", GOFLAGS="-mod=mod", CGO_ENABLED="0")
    binary = out / "leakyservice"
    subprocess.run([go_binary(), "build", "-o", str(binary), "."], cwd=SERVICE_DIR, env=env, check=True, timeout=300)
    return binary


def wait_ready(url: str, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url + "/debug/pprof/cmdline", timeout=1) as r:
                r.read()
                return
        except OSError:
            if time.monotonic() > end:
                raise
            time.sleep(0.05)


@contextlib.contextmanager
def running(binary: Path, *extra: str, profile_rate: int = 64 << 10) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """The service on a free port; heap sampling 8x finer than Go's default so that
    the small leaks show within a few seconds."""
    port = free_port()
    env = dict(os.environ, GODEBUG=f"memprofilerate={profile_rate}")
    proc = subprocess.Popen(
        [str(binary), "-addr", f"127.0.0.1:{port}", *extra], stderr=subprocess.DEVNULL, env=env
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url)
        yield url, proc
    finally:
        proc.kill()
        proc.wait(10)


def loadgen(url: str, seconds: float, rate: float = 20) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, LOADGEN, url, "--seconds", str(seconds), "--rate", str(rate)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
