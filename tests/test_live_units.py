"""Units of goretain watch: store, process identity, targets, durations, join, views."""

from __future__ import annotations

import io
import os
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from goretain.errors import UserError
from goretain.live import identity, join, targets
from goretain.live.report import sparkline
from goretain.live.schedule import Backoff
from goretain.live.scrape import Scrape
from goretain.live.timeparse import seconds
from goretain.live.verdict import thin
from goretain.profile.types import Frame, Mapping, Profile
from goretain.store import Store
from tests.conftest import ROOT

LEAKY = os.path.join(ROOT, "examples", "leakyservice")


def _heap(step: int, t: int) -> Profile:
    frames = [Frame("main.leak", "/src/main.go", 10), Frame("main.main", "/src/main.go", 3),
              Frame("main.churn", "/src/main.go", 20)]
    return Profile(
        source=f"heap{step}", kind="heap",
        sample_types=[("alloc_objects", "count"), ("alloc_space", "bytes"), ("inuse_objects", "count"), ("inuse_space", "bytes")],
        frames=frames,
        stack_offsets=np.asarray([0, 2, 4], dtype=np.int64),
        stack_frames=np.asarray([0, 1, 2, 1], dtype=np.int32),
        values=np.asarray([[step * 10, step * 10240, step * 10, step * 10240], [50 * step, 51200 * step, 1, 1024]], dtype=np.int64),
        default_sample_type="inuse_space", time_nanos=t,
        mappings=[Mapping(1, 0, 0, 0, "/bin/svc", "abc")],
    )


def test_store_round_trip_dedupes_stacks_and_compresses(tmp_path: Path) -> None:
    s = Store(str(tmp_path / "s.db"))
    tid = s.target_id("svc", "http://x")
    sid = s.new_series(tid, 1, "first watch", {})
    for i in range(1, 41):
        s.add_snapshot(sid, i * 10**9, [(_heap(i, 5), b"raw-%d" % i + b"x" * 4000)], {"NumGC": i})
    st = s.stats()
    assert st["stacks"] == 2 and st["frames"] == 3 and st["snapshots"] == 40
    # Later snapshots are deltas against a key snapshot: far smaller than the raw bytes.
    assert st["stored_raw_bytes"] < st["raw_bytes"] / 20
    rows = s.profile_rows(sid, "heap")
    ps = s.load(rows, "svc")
    assert [p.time_nanos for p in ps] == [i * 10**9 for i in range(1, 41)]
    assert ps[7].values.tolist() == _heap(8, 0).values.tolist()
    assert ps[7].stack(0) == [Frame("main.leak", "/src/main.go", 10), Frame("main.main", "/src/main.go", 3)]
    assert ps[7].main_binary().build_id == "abc"
    import gzip

    assert gzip.decompress(s.raw(rows[12].id)) == b"raw-13" + b"x" * 4000
    assert s.series_info(sid).snapshots == 40
    s.close()
    # A second writer (a later watch) interns against what is there.
    s2 = Store(str(tmp_path / "s.db"))
    s2.add_snapshot(sid, 41 * 10**9, [(_heap(41, 5), b"y")])
    assert s2.stats()["stacks"] == 2
    s2.close()


def test_store_refuses_other_files(tmp_path: Path) -> None:
    bad = tmp_path / "x.db"
    bad.write_text("hello")
    with pytest.raises(UserError, match="not a goretain store"):
        Store(str(bad), readonly=True)
    sqlite3.connect(tmp_path / "empty.db").execute("CREATE TABLE t(x)").connection.commit()
    with pytest.raises(UserError, match="not a goretain store"):
        Store(str(tmp_path / "empty.db"), readonly=True)
    with pytest.raises(UserError, match="no such store"):
        Store(str(tmp_path / "missing.db"), readonly=True)


def _scrape(alloc: int, numgc: int | None, cmdline: list[str] | None = None) -> Scrape:
    s = Scrape(targets.Target("t", "http://x"), 0)
    p = _heap(1, 0)
    p.values[:, 0] = alloc
    s.profiles["heap"] = (p, b"")
    s.memstats = {"NumGC": numgc} if numgc is not None else None
    s.cmdline = cmdline
    return s


def test_restart_detection() -> None:
    a = identity.mark_of(_scrape(100, 5, ["/bin/svc"]))
    assert a["binary"] == "svc" and a["build_id"] == "abc" and a["counters"]["NumGC"] == 5
    assert identity.restart_reason(a, identity.mark_of(_scrape(120, 6, ["/bin/svc"]))) is None
    assert "NumGC" in identity.restart_reason(a, identity.mark_of(_scrape(500, 1, ["/bin/svc"])))
    assert "command line" in identity.restart_reason(a, identity.mark_of(_scrape(500, 9, ["/bin/svc", "-v"])))
    # Without expvar: the cumulative heap counters (with slack for sampling).
    b = identity.mark_of(_scrape(1000, None))
    assert identity.restart_reason(b, identity.mark_of(_scrape(950, None))) is None
    assert "alloc_objects" in identity.restart_reason(b, identity.mark_of(_scrape(10, None)))
    merged = identity.merge(a, identity.mark_of(_scrape(130, None)))
    assert merged["counters"]["NumGC"] == 5 and merged["cmdline"] == ["/bin/svc"]


def test_backoff_doubles_and_caps() -> None:
    b = Backoff(1.0, 5.0)
    assert [b.fail("k", 0) for _ in range(4)] == [2.0, 4.0, 5.0, 5.0]
    assert not b.ready("k", 4.9) and b.ready("k", 5.0)
    assert b.ok("k") == 4 and b.ready("k", 0)


def test_targets_and_durations(tmp_path: Path) -> None:
    [t] = targets.from_urls(["127.0.0.1:6060/debug/pprof/"])
    assert t.url == "http://127.0.0.1:6060" and t.name == "127.0.0.1:6060"
    assert t.endpoint("/debug/vars") == "http://127.0.0.1:6060/debug/vars"
    f = tmp_path / "targets.toml"
    f.write_text('[[targets]]\nname = "api"\nurl = "http://h:1/x"\n[[targets]]\nurl = "h:2"\n')
    assert [(x.name, x.url) for x in targets.from_file(str(f))] == [("api", "http://h:1/x"), ("h:2", "http://h:2")]
    f.write_text('[[targets]]\nname = "a"\n')
    with pytest.raises(UserError, match="needs url"):
        targets.from_file(str(f))
    with pytest.raises(UserError, match="two targets"):
        targets.from_urls(["h:1"]) and targets._unique([targets.Target("a", "http://h:1"), targets.Target("a", "http://h:2")])
    assert seconds("500ms", "--x") == 0.5 and seconds("2m", "--x") == 120 and seconds("3", "--x") == 3
    with pytest.raises(UserError):
        seconds("0s", "--x")


def test_thin_keeps_ends_and_sparkline() -> None:
    xs = list(range(1000))
    t = thin(xs, 240)
    assert len(t) == 240 and t[0] == 0 and t[-1] == 999
    assert thin(xs[:5], 240) == xs[:5]
    assert sparkline([1, 2, 3, 4]) == "▁▃▆█"
    assert sparkline([5, 5]) == "▁▁" and sparkline([]) == ""
    assert len(sparkline(list(range(100)), 24)) == 24


def test_join_matches_by_line_and_by_function() -> None:
    work = os.path.join(LEAKY, "work.go")
    sessions = os.path.join(LEAKY, "sessions.go")
    rel = os.path.relpath(work)
    findings = [
        {"rule": "GR202", "path": rel, "line": 43, "related": []},
        {"rule": "GR101", "path": os.path.relpath(sessions), "line": 20,
         "related": [{"path": os.path.relpath(sessions), "line": 26}]},
        {"rule": "GR301", "path": rel, "line": 63, "related": []},
    ]
    sites = [
        join.RuntimeSite("goroutine", "leaking", "main.handleQuote.func1", work, 43),
        join.RuntimeSite("heap", "leaking", "main.handleLogin", sessions, 24),
        join.RuntimeSite("heap", "leaking", "main.handleHealthy", work, 75),
    ]
    ms = join.join(sites, findings)
    assert [(m.site.function, m.rule, m.how) for m in ms] == [
        ("main.handleQuote.func1", "GR202", "same line"),
        ("main.handleLogin", "GR101", "same function (handleLogin)"),
    ]
    text = join.join_text(sites, findings, ms)
    assert "main.handleHealthy work.go:75" in text and "no static finding" in text
    assert "GR301" in text and "no runtime leak matched" in text


def test_log_view_prints_events_and_throttles_status() -> None:
    from goretain.live.schedule import TargetState
    from goretain.live.view import LogView

    buf = io.StringIO()
    v = LogView(buf, every=60)
    st = TargetState(targets.Target("api", "http://x"), 1, 10)
    st.reset_window()
    v.event("api", "heap: down: connection refused")
    v.update(st)
    v.update(st)
    lines = buf.getvalue().splitlines()
    assert len(lines) == 2 and "api: heap: down" in lines[0] and "verdict unknown" in lines[1]
