"""goretain watch against the real demo service (a Go process on 127.0.0.1)."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from pathlib import Path

import pytest

from goretain import cli
from goretain.store import Store
from tests import liveservice


@pytest.fixture(scope="module")
def service_binary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return liveservice.build_service(tmp_path_factory.mktemp("leakyservice"))


@pytest.fixture(scope="module")
def demo_watch(service_binary: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A 7 s watch of the service under load, then a second, resumed 1.5 s watch."""
    out = tmp_path_factory.mktemp("watch")
    store = str(out / "goretain.db")
    with liveservice.running(service_binary) as (url, _proc):
        load = liveservice.loadgen(url, 12)
        try:
            code = cli.main([
                "watch", url, "--interval", "0.4s", "--duration", "7s", "--store", store,
                "--format", "json", "-o", str(out / "watch.json"), "--fail-on", "leaking", "-n", "0",
            ])
            code2 = cli.main([
                "watch", url, "--interval", "0.4s", "--duration", "1.5s", "--store", store,
                "--format", "json", "-o", str(out / "watch2.json"),
            ])
        finally:
            load.kill()
            load.wait()
    return {
        "code": code, "code2": code2, "store": store, "url": url,
        "doc": json.loads((out / "watch.json").read_text()),
        "doc2": json.loads((out / "watch2.json").read_text()),
    }


def _sites(target: dict, kind: str, verdicts: tuple[str, ...] = ("leaking",)) -> dict[str, dict]:
    trend = target[kind]["trend"]
    return {s["function"]: s for s in (trend["sites"] if trend else []) if s["verdict"] in verdicts}


def test_verdict_names_each_leaking_site_and_not_the_control(demo_watch) -> None:
    assert demo_watch["code"] == 1
    [t] = demo_watch["doc"]["targets"]
    assert t["verdict"] == "leaking"
    assert t["stored"] >= 12 and t["series"]["snapshots"] == t["stored"]
    heap = _sites(t, "heap")
    assert {"main.handleLogin", "main.handleLookup", "main.handleUpload"} <= set(heap)
    gor = _sites(t, "goroutine")
    assert {"main.handleQuote.func1", "main.handleUpload.func1"} <= set(gor)
    assert gor["main.handleQuote.func1"]["state"] == "chan send"
    leak = _sites(t, "goroutineleak")
    assert set(leak) == {"main.handleQuote.func1", "main.handleUpload.func1"}
    # The control churns but keeps nothing: never leaking or growing, in any kind.
    for kind in ("heap", "goroutine", "goroutineleak"):
        bad = _sites(t, kind, ("leaking", "growing"))
        assert not [f for f in bad if "handleHealthy" in f], kind
    assert t["heap_inuse"][-1] > t["heap_inuse"][0]
    assert t["goroutines"][-1] > t["goroutines"][0]
    assert t["problems"] == []
    assert t["series"]["cmdline"][1:3] == ["-addr", demo_watch["url"].split("//")[1]]


def test_second_watch_resumes_the_series(demo_watch) -> None:
    [t1] = demo_watch["doc"]["targets"]
    [t2] = demo_watch["doc2"]["targets"]
    assert demo_watch["code2"] == 0  # no --fail-on
    assert t2["series"]["id"] == t1["series"]["id"]
    assert t2["series_seen"] == [t1["series"]["id"]]
    assert t2["series"]["snapshots"] == t1["stored"] + t2["stored"]
    assert t2["verdict"] == "leaking"


def test_trend_store_gives_the_watch_verdict(demo_watch, capsys) -> None:
    store = demo_watch["store"]
    code = cli.main(["trend", "--store", store, "--format", "json", "--fail-on", "leaking", "-n", "0"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1
    [t] = doc["targets"]
    assert doc["command"] == "trend" and t["verdict"] == "leaking"
    assert {"main.handleLogin", "main.handleUpload"} <= set(_sites(t, "heap"))
    # --since keeps only recent snapshots; --target must exist.
    assert cli.main(["trend", "--store", store, "--since", "1ms"]) == 0
    assert "a verdict needs 3" in capsys.readouterr().out
    assert cli.main(["trend", "--store", store, "--target", "nope"]) == 2
    assert "no target 'nope'" in capsys.readouterr().err
    assert cli.main(["trend", "--store", store, "--target", t["name"]]) == 0
    text = capsys.readouterr().out
    assert "LEAKING" in text and "main.handleLogin" in text


def test_store_is_small_and_shared(demo_watch) -> None:
    store = Store(demo_watch["store"], readonly=True)
    try:
        st = store.stats()
        [series] = store.series_of(store.targets()[0][0])
        rows = store.profile_rows(series.id, "heap")
        # Raw bytes come back as the gzip profile go tool pprof reads, and decode.
        from goretain.profile import decode

        last = decode.parse(store.raw(rows[-1].id))
        assert last.kind == "heap" and last.n_samples > 0
    finally:
        store.close()
    # Stacks and frames are stored once, not per snapshot.
    assert st["stacks"] < st["profiles"] * 5
    assert st["stored_raw_bytes"] < st["raw_bytes"] / 3
    db = sqlite3.connect(demo_watch["store"])
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


def test_heapdump_endpoint_refuses_after_goroutineleak_found_leaks(service_binary: Path, tmp_path: Path) -> None:
    import urllib.error
    import urllib.request

    with liveservice.running(service_binary, "-dumpdir", str(tmp_path)) as (url, proc):
        for _ in range(2):
            # 504: the handler gave up, its goroutine is stranded.
            with contextlib.suppress(urllib.error.HTTPError):
                urllib.request.urlopen(url + "/quote", timeout=5).read()
        req = urllib.request.Request(url + "/admin/heapdump", method="POST")
        dump = Path(urllib.request.urlopen(req, timeout=30).read().decode().strip())
        assert dump.read_bytes()[:16] == b"go1.7 heap dump\n"
        time.sleep(0.3)  # slowQuote returns, its send blocks for good
        urllib.request.urlopen(url + "/debug/pprof/goroutineleak", timeout=10).read()
        with pytest.raises(urllib.error.HTTPError) as exc:
            urllib.request.urlopen(req, timeout=30)
        assert exc.value.code == 409
        assert urllib.request.urlopen(url + "/healthy", timeout=5).status == 200
        assert proc.poll() is None
