"""GR104 edge cases, and the bad/good examples of GR103/GR104/GR303 run as documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from goretain.findings import Confidence
from goretain.rules.base import all_rules
from tests.wantcheck import run_dir


def _run(tmp_path: Path, src: str, rid: str = "GR104", go: str = "1.23") -> list:
    (tmp_path / "go.mod").write_text(f"module example.com/m\n\ngo {go}\n")
    (tmp_path / "a.go").write_text(src)
    return [f for f in run_dir(str(tmp_path), (rid,)) if f.rule == rid]


@pytest.mark.parametrize("rid", ["GR103", "GR104", "GR303"])
def test_meta_examples(tmp_path: Path, rid: str) -> None:
    meta = all_rules()[rid].meta
    (tmp_path / "bad").mkdir()
    (tmp_path / "good").mkdir()
    go = "1.21" if rid == "GR303" else "1.23"  # GR303's example is the pre-1.23 time.After leak
    assert _run(tmp_path / "bad", meta.bad, rid, go), f"{rid} bad example not flagged"
    assert not _run(tmp_path / "good", meta.good, rid, go), f"{rid} good example flagged"


def test_message_points_at_store_with_source_related(tmp_path: Path) -> None:
    found = _run(tmp_path, """package a

import "os"

var heads = map[string][]byte{}

func load(path string) {
	data, _ := os.ReadFile(path)
	head := data[:8]
	heads[path] = head
}
""")
    assert len(found) == 1
    f = found[0]
    assert f.location.line == 10 and f.confidence == Confidence.MEDIUM
    assert "heads" in f.message and "os.ReadFile" in f.message and "through head" in f.message
    assert [r.location.line for r in f.related] == [8, 9]
    assert "bytes.Clone(data[:8])" in (f.fix or "")


def test_scanner_bytes_is_high_confidence(tmp_path: Path) -> None:
    found = _run(tmp_path, """package a

import (
	"bufio"
	"os"
)

var first []byte

func scan() {
	sc := bufio.NewScanner(os.Stdin)
	if sc.Scan() {
		first = sc.Bytes()
	}
}
""")
    assert len(found) == 1 and found[0].confidence == Confidence.HIGH and "overwrites" in found[0].message


def test_substring_of_string_param_says_substring(tmp_path: Path) -> None:
    found = _run(tmp_path, """package a

var last string

func keep(body string) { last = body[3:9] }
""")
    assert len(found) == 1 and "substring" in found[0].message and "strings.Clone" in (found[0].fix or "")


def test_gr303_new_rule_names_go_version(tmp_path: Path) -> None:
    found = _run(tmp_path, """package a

import "time"

var tick = time.NewTicker(time.Second)

func c() <-chan time.Time { return tick.C }
""", "GR303", "1.24")
    assert len(found) == 1 and "go 1.24" in found[0].message and "Go 1.23+" in found[0].message


def test_broken_syntax_does_not_raise(tmp_path: Path) -> None:
    _run(tmp_path, """package a

var x []byte

func f(buf []byte {
	x = buf[1:
""")
