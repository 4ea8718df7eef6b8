"""goretain watch against a misbehaving server, and killed with SIGKILL mid-watch."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from goretain import cli
from goretain.profile import decode
from goretain.store import Store
from tests import liveservice
from tests.conftest import ROOT
from tests.faultserver import FaultServer


@pytest.fixture(scope="module")
def real_profiles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[bytes]]:
    """Profiles scraped from the real demo service under load: 8 of each kind."""
    binary = liveservice.build_service(tmp_path_factory.mktemp("svc"))
    out: dict[str, list[bytes]] = {"heap": [], "goroutine": [], "goroutineleak": []}
    with liveservice.running(binary) as (url, _proc):
        load = liveservice.loadgen(url, 5)
        try:
            for _ in range(8):
                time.sleep(0.3)
                for name, path in (("heap", "heap?gc=1"), ("goroutine", "goroutine"), ("goroutineleak", "goroutineleak")):
                    with urllib.request.urlopen(f"{url}/debug/pprof/{path}", timeout=10) as r:
                        out[name].append(r.read())
        finally:
            load.kill()
            load.wait()
    return out


_PROBLEM = re.compile(r": (\w+): ([\w ]+?): .*\((?:retrying|skipping)")


def _timeline(srv: FaultServer, steps: list[tuple[float, object]]) -> threading.Thread:
    def run() -> None:
        t0 = time.monotonic()
        for at, action in steps:
            time.sleep(max(0.0, t0 + at - time.monotonic()))
            action()  # type: ignore[operator]

    th = threading.Thread(target=run, daemon=True)
    th.start()
    return th


def test_watch_survives_faults_and_keeps_every_good_snapshot(real_profiles, tmp_path, capsys) -> None:
    port = liveservice.free_port()
    srv = FaultServer(port, real_profiles, ["/srv/leaky", "-addr", f"127.0.0.1:{port}"])
    srv.mode["goroutineleak"] = "404"  # an older Go: not served
    srv.start()

    def set_mode(ep: str, mode: str) -> object:
        return lambda: srv.mode.__setitem__(ep, mode)

    def restart() -> None:
        srv.mode.clear()
        srv.restart()

    steps = [
        (1.0, set_mode("heap", "garbage")),
        (1.8, lambda: srv.mode.pop("heap")),
        (1.8, lambda: setattr(srv, "default", "hang")),
        (2.8, lambda: setattr(srv, "default", "ok")),
        (2.8, srv.stop),
        (4.3, restart),
        (5.6, set_mode("goroutine", "500")),
        (6.4, set_mode("goroutine", "ok")),
    ]
    store = str(tmp_path / "faults.db")
    th = _timeline(srv, steps)
    try:
        code = cli.main([
            "watch", f"http://127.0.0.1:{port}", "--interval", "0.25s", "--timeout", "0.4s",
            "--duration", "7.5s", "--store", store, "--format", "json", "--log-every", "100s",
        ])
    finally:
        th.join()
        srv.stop()
    cap = capsys.readouterr()
    doc = json.loads(cap.out)
    err = cap.err.splitlines()
    assert code in (0, 1)
    [t] = doc["targets"]
    # Each problem is shown once when it starts (and once when it clears), and counted.
    started = [m.groups() for m in map(_PROBLEM.search, err) if m]
    assert len(started) == len(set(started)), "\n".join(err)
    assert {k for _, k in started} >= {"http 404", "garbage", "timeout", "down", "http 500"}, "\n".join(err)
    assert ("goroutineleak", "http 404") in started and ("heap", "garbage") in started
    assert any("restarted (" in line and "new series" in line for line in err), err
    problems = {(p["endpoint"], p["problem"]): p["count"] for p in t["problems"]}
    assert problems[("goroutineleak", "http 404")] >= 2
    assert problems[("heap", "garbage")] >= 1
    # Two processes, two series; every snapshot the server served whole is stored.
    assert len(t["series_seen"]) == 2
    s = Store(store, readonly=True)
    try:
        stored = {
            kind: sum(len(s.profile_rows(sid, kind)) for sid in t["series_seen"])
            for kind in ("heap", "goroutine", "goroutineleak")
        }
        second = s.series_info(t["series_seen"][1])
        for sid in t["series_seen"]:
            for kind in ("heap", "goroutine"):
                rows = s.profile_rows(sid, kind)
                assert all(p.n_samples for p in s.load(rows))
    finally:
        s.close()
    assert stored["heap"] == srv.served_ok["heap"]
    assert stored["goroutine"] == srv.served_ok["goroutine"]
    assert stored["goroutineleak"] == srv.served_ok.get("goroutineleak", 0) > 0
    assert "went down" in second.reason
    assert t["series"]["id"] == second.id


def _count(store: str) -> int:
    try:
        db = sqlite3.connect(store, timeout=5)
        try:
            return int(db.execute("SELECT count(*) FROM profiles WHERE kind='heap'").fetchone()[0])
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def test_kill_9_mid_watch_leaves_a_readable_store(real_profiles, tmp_path, capsys) -> None:
    port = liveservice.free_port()
    srv = FaultServer(port, real_profiles, ["/srv/leaky"])
    srv.start()
    store = str(tmp_path / "killed.db")
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    rng = random.Random(7)
    try:
        for kill in range(3):
            before = _count(store)
            proc = subprocess.Popen(
                [sys.executable, "-m", "goretain", "watch", f"http://127.0.0.1:{port}", "--interval", "0.02s",
                 "--store", store, "--log-every", "100s"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
            )
            end = time.monotonic() + 20
            while _count(store) < before + 5 and time.monotonic() < end:
                time.sleep(0.02)
            time.sleep(rng.uniform(0, 0.05))
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
            assert _count(store) >= before + 5, f"kill {kill}: watch stored nothing"
    finally:
        srv.stop()
    db = sqlite3.connect(store)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # No half-written round: every snapshot has its three profiles.
    partial = db.execute(
        "SELECT count(*) FROM snapshots s WHERE (SELECT count(*) FROM profiles p WHERE p.snapshot_id=s.id) != 3"
    ).fetchone()[0]
    db.close()
    assert partial == 0
    # At most the round in flight is lost at each kill.
    assert 0 <= srv.served_ok["heap"] - _count(store) <= 3
    s = Store(store, readonly=True)
    try:
        [series] = s.series_of(s.targets()[0][0])  # the same process: every watch resumed it
        rows = s.profile_rows(series.id, "heap")
        assert len(s.load(rows)) == len(rows)
        assert decode.parse(s.raw(rows[-1].id)).kind == "heap"
    finally:
        s.close()
    assert cli.main(["trend", "--store", store, "--format", "json"]) in (0, 1)
    doc = json.loads(capsys.readouterr().out)
    assert doc["targets"][0]["series"]["snapshots"] == len(rows)


def test_watch_usage_errors(tmp_path: Path, capsys) -> None:
    assert cli.main(["watch"]) == 2
    assert "needs a URL" in capsys.readouterr().err
    assert cli.main(["watch", "ftp://x", "--store", str(tmp_path / "s.db")]) == 2
    assert "not an http(s) URL" in capsys.readouterr().err
    assert cli.main(["watch", "http://127.0.0.1:1", "--interval", "soon"]) == 2
    assert "not a duration" in capsys.readouterr().err
    # Nothing answers at all: the report says so, and the exit code is 2.
    port = liveservice.free_port()
    code = cli.main([
        "watch", f"http://127.0.0.1:{port}", "--interval", "0.1s", "--duration", "0.5s",
        "--store", str(tmp_path / "none.db"),
    ])
    cap = capsys.readouterr()
    assert code == 2 and "no target answered" in cap.err
    assert "heap: down: connection refused" in cap.err
