"""GR201: the documented examples and a threshold check."""

from __future__ import annotations

from pathlib import Path

from goretain.rules.base import all_rules
from tests.wantcheck import run_dir


def _run(tmp_path: Path, name: str, src: str, large: int = 1024) -> list:  # type: ignore[type-arg]
    d = tmp_path / name
    d.mkdir()
    (d / "p.go").write_text(src)
    return [f for f in run_dir(str(d), ("GR201",), large=large) if f.rule == "GR201"]


def test_examples(tmp_path: Path) -> None:
    meta = all_rules()["GR201"].meta
    bad = _run(tmp_path, "bad", meta.bad)
    assert len(bad) == 1
    f = bad[0]
    assert "u.ID" in f.message and "u.Events" in f.message and "MiB" in f.message
    assert f.location.line == 10  # the go statement
    assert "go func(" in f.fix
    assert _run(tmp_path, "good", meta.good) == []


def test_threshold_is_configurable(tmp_path: Path) -> None:
    src = all_rules()["GR201"].meta.bad.replace("[1 << 20]byte", "[512]byte")
    assert _run(tmp_path, "small", src) == []
    assert len(_run(tmp_path, "lower", src, large=256)) == 1
