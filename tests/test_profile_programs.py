"""End to end: compile real Go programs, take their profiles, run top/diff/trend."""

from __future__ import annotations

import glob
import json
import os
import subprocess
from pathlib import Path

import pytest

from goretain import cli
from tests.conftest import ROOT, go_binary

GOPROGS = os.path.join(ROOT, "tests", "goprogs")


def _go_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(GOTOOLCHAIN="local", GOFLAGS="-mod=mod", CGO_ENABLED="0")
    return env


def build_and_run(name: str, out: Path, steps: int) -> Path:
    binary = out / name
    subprocess.run(
        [go_binary(), "build", "-o", str(binary), "."],
        cwd=os.path.join(GOPROGS, name), env=_go_env(), check=True, timeout=300,
    )
    data = out / "data"
    data.mkdir()
    subprocess.run([str(binary), str(data), str(steps)], check=True, timeout=60)
    return data


@pytest.fixture(scope="module")
def heap_snapshots(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    data = build_and_run("heapleak", tmp_path_factory.mktemp("heapleak"), 6)
    return sorted(glob.glob(str(data / "heap-*.pb.gz")))


@pytest.fixture(scope="module")
def goroutine_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_and_run("goleak", tmp_path_factory.mktemp("goleak"), 6)


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code = cli.main([*argv, "--format", "json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_trend_calls_only_the_leaking_site_leaking(heap_snapshots, capsys) -> None:
    assert len(heap_snapshots) == 6
    code, doc = run_json(capsys, "trend", *heap_snapshots, "--fail-on", "leaking")
    assert code == 1
    leaking = [s for s in doc["sites"] if s["verdict"] == "leaking"]
    assert [s["function"] for s in leaking] == ["main.leakStep"]
    assert leaking[0]["confidence"] > 0.9
    assert leaking[0]["values"] == sorted(leaking[0]["values"])
    assert leaking[0]["objects_per_min"] > 0
    by_fn = {s["function"]: s for s in doc["sites"]}
    assert by_fn["main.churnStep"]["verdict"] == "stable"
    assert any("churn" in n for n in by_fn["main.churnStep"]["notes"])
    assert by_fn["main.churnStep"]["alloc_per_min"] > by_fn["main.leakStep"]["slope_per_min"]
    assert by_fn["main.fillCache"]["verdict"] == "stable"
    assert doc["summary"]["leaking"] == 1
    # Snapshots are ordered by their time_nanos whatever the argument order.
    code2, doc2 = run_json(capsys, "trend", *reversed(heap_snapshots))
    assert code2 == 0
    assert [s["path"] for s in doc2["snapshots"]] == heap_snapshots


def test_diff_ranks_the_leak_first(heap_snapshots, capsys) -> None:
    code, doc = run_json(capsys, "diff", heap_snapshots[0], heap_snapshots[-1])
    assert code == 0
    first = doc["sites"][0]
    assert first["function"] == "main.leakStep"
    assert first["status"] == "grown" and first["delta"] > 0
    assert first["delta_pct"] == pytest.approx(100 * (first["new"] - first["base"]) / first["base"])
    code, doc = run_json(capsys, "diff", heap_snapshots[0], heap_snapshots[-1], "--normalize")
    assert doc["normalized"] and doc["total"]["delta"] == 0


def test_top_text_and_json(heap_snapshots, capsys) -> None:
    code, doc = run_json(capsys, "top", heap_snapshots[-1], "-n", "3")
    assert code == 0
    assert doc["sample_type"] == "inuse_space" and doc["unit"] == "bytes"
    assert doc["sites"][0]["function"] == "main.leakStep"
    assert len(doc["sites"]) == 3
    assert all(s["cum"] >= s["flat"] for s in doc["sites"])
    code, doc = run_json(capsys, "top", heap_snapshots[-1], "-t", "alloc_space", "--focus", "churnStep")
    assert {s["function"] for s in doc["sites"] if s["flat"]} == {"main.churnStep"}
    code, doc = run_json(capsys, "top", heap_snapshots[-1], "--ignore", "leakStep", "--site", "leaf")
    assert "main.leakStep" not in {s["function"] for s in doc["sites"]}
    code, doc = run_json(capsys, "top", heap_snapshots[-1], "--site", "stack", "-n", "1")
    assert doc["sites"][0]["stack"][0]["function"] == "main.leakStep"
    assert cli.main(["top", heap_snapshots[-1]]) == 0
    text = capsys.readouterr().out
    assert "main.leakStep" in text and "flat%" in text


def test_goroutine_trend_points_at_creation_site(goroutine_dir, capsys) -> None:
    pbs = sorted(glob.glob(str(goroutine_dir / "goroutine-*.pb.gz")))
    code, doc = run_json(capsys, "trend", *pbs, "--fail-on", "leaking")
    assert code == 1
    leaking = [s for s in doc["sites"] if s["verdict"] == "leaking"]
    assert len(leaking) == 1
    assert leaking[0]["created_by"]["function"] == "main.fetch.func1"
    assert leaking[0]["state"] == "chan send"
    workers = [s for s in doc["sites"] if s["function"] == "main.worker"]
    assert workers and workers[0]["verdict"] == "stable"
    # The text dumps (debug=2) know the exact `go` statement.
    txts = sorted(glob.glob(str(goroutine_dir / "goroutine-*.txt")))
    code, doc = run_json(capsys, "trend", *txts, "--interval", "1")
    leaking = [s for s in doc["sites"] if s["verdict"] == "leaking"]
    assert len(leaking) == 1
    assert leaking[0]["created_by"]["function"] == "main.fetch"
    assert leaking[0]["created_by"]["line"] == 31
    assert leaking[0]["values"] == [5, 10, 15, 20, 25, 30]


def test_goroutineleak_profile_is_a_certain_verdict(goroutine_dir, capsys) -> None:
    for name in ("goroutineleak.pb.gz", "goroutineleak.txt"):
        code, doc = run_json(capsys, "trend", str(goroutine_dir / name), "--fail-on", "leaking")
        assert code == 1, name
        assert doc["kind"] == "goroutineleak"
        [site] = doc["sites"]
        assert site["verdict"] == "leaking" and site["confidence"] == 1.0
        assert site["function"] == "main.fetch.func1"
        assert site["values"] == [30]


def test_refuses_different_types(heap_snapshots, goroutine_dir, capsys) -> None:
    g = str(goroutine_dir / "goroutine-0.pb.gz")
    assert cli.main(["diff", heap_snapshots[0], g]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("goretain: cannot compare a heap profile") and "\n" not in err
    assert cli.main(["trend", heap_snapshots[0], heap_snapshots[1]]) == 2
    assert "at least three" in capsys.readouterr().err
    assert cli.main(["top", heap_snapshots[0], "-t", "nope"]) == 2
    assert "no sample type 'nope'" in capsys.readouterr().err
