"""GR103 edge cases that fixtures express poorly (confidence, messages, exclusivity)."""

from __future__ import annotations

from pathlib import Path

from goretain.findings import Confidence
from tests.wantcheck import run_dir

IDS = ("GR101", "GR102", "GR103")


def _run(tmp_path: Path, src: str) -> list:
    (tmp_path / "go.mod").write_text("module example.com/m\n\ngo 1.23\n")
    (tmp_path / "a.go").write_text(src)
    return [f for f in run_dir(str(tmp_path), IDS) if f.rule in IDS]


def test_message_names_slice_type_site_and_reason(tmp_path: Path) -> None:
    found = _run(tmp_path, """package a

import "net/http"

var paths []string

func h(w http.ResponseWriter, r *http.Request) {
	paths = append(paths, r.URL.Path)
}
""")
    assert [(f.rule, f.location.line) for f in found] == [("GR103", 5)]
    f = found[0]
    assert "paths" in f.message and "[]string" in f.message and "line 8" in f.message
    assert "HTTP handler h" in f.message
    assert f.confidence == Confidence.MEDIUM and f.symbol == "a.paths"
    assert [r.location.line for r in f.related] == [8]


def test_exported_slice_is_less_confident(tmp_path: Path) -> None:
    found = _run(tmp_path, """package a

import "net/http"

var Paths []string

func h(w http.ResponseWriter, r *http.Request) {
	Paths = append(Paths, r.URL.Path)
}
""")
    assert len(found) == 1 and found[0].confidence == Confidence.LOW and "exported" in found[0].message


def test_one_shot_read_loop_is_not_a_serving_loop(tmp_path: Path) -> None:
    found = _run(tmp_path, """package a

import "bufio"

var lines []string

func Load(sc *bufio.Scanner) {
	for {
		if !sc.Scan() {
			return
		}
		lines = append(lines, sc.Text())
	}
}
""")
    assert found == []


def test_goroutine_loop_and_reset_through_holder(tmp_path: Path) -> None:
    src = """package a

type buf struct{ items []int }

var b = &buf{}

func start(n func() int) {
	go func() {
		for {
			b.items = append(b.items, n())
		}
	}()
}
"""
    assert [f.rule for f in _run(tmp_path, src)] == ["GR103"]
    assert _run(tmp_path, src + "\nfunc reset() { b = &buf{} }\n") == []


def test_map_flagged_by_gr101_is_not_also_gr103(tmp_path: Path) -> None:
    found = _run(tmp_path, """package a

import "net/http"

var byPath = map[string]int{}

func h(w http.ResponseWriter, r *http.Request) {
	byPath[r.URL.Path]++
}
""")
    assert [f.rule for f in found] == ["GR101"]


def test_broken_syntax_does_not_raise(tmp_path: Path) -> None:
    _run(tmp_path, """package a

var xs []int

func f( {
	xs = append(xs,
""")
