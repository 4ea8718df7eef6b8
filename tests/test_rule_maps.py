"""GR101 / GR102 edge cases that fixtures express poorly (confidence, messages, robustness)."""

from __future__ import annotations

import os
from pathlib import Path

from goretain.findings import Confidence
from goretain.source.syntax import word_offsets
from tests.wantcheck import run_dir

IDS = ("GR101", "GR102")


def _run(tmp_path: Path, files: dict[str, str]) -> list:
    (tmp_path / "go.mod").write_text("module example.com/m\n\ngo 1.23\n")
    for name, src in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(src)
    return [f for f in run_dir(str(tmp_path), IDS) if f.rule in IDS]


def test_message_names_map_type_and_insert_sites(tmp_path: Path) -> None:
    found = _run(tmp_path, {"a.go": """package a

type T struct{ b []byte }

var seen = map[*T]bool{}

func Add(t *T) { seen[t] = true }
""", "b.go": """package a

func Again(t *T) { seen[t] = false }
"""})
    assert len(found) == 1
    f = found[0]
    assert f.rule == "GR101" and f.confidence == Confidence.HIGH
    assert f.location.line == 5 and "seen" in f.message and "map[*T]bool" in f.message
    assert "b.go:3" in f.message
    assert sorted(os.path.basename(r.location.path) for r in f.related) == ["a.go", "b.go"]
    assert all(r.message == "entry added here" for r in f.related)
    assert f.fix and f.symbol == "a.seen"


def test_delete_through_a_shadowing_local_does_not_count(tmp_path: Path) -> None:
    found = _run(tmp_path, {"a.go": """package a

type T struct{}

var seen = map[*T]bool{}

func Add(t *T) { seen[t] = true }

func Drop(t *T) {
	seen := map[*T]bool{}
	delete(seen, t)
}
"""})
    assert [f.location.line for f in found] == [5]


def test_unknown_operand_type_clears_fields_of_that_name(tmp_path: Path) -> None:
    # The delete goes through a value whose type we cannot resolve: stay quiet.
    found = _run(tmp_path, {"a.go": """package a

type T struct{}

type reg struct{ items map[*T]int }

var r = &reg{items: map[*T]int{}}

func Add(t *T) { r.items[t]++ }

func Drop(x any, t *T) {
	switch v := x.(type) {
	case *reg:
		delete(v.items, t)
	}
}
"""})
    assert found == []


def test_exported_map_gets_lower_confidence(tmp_path: Path) -> None:
    found = _run(tmp_path, {"a.go": """package a

import "sync"

type T struct{}

var Seen = map[*T]bool{}

var Live sync.Map

func Add(t *T) { Seen[t] = true; Live.Store(t, 1) }
"""})
    conf = {f.rule: f.confidence for f in found}
    assert conf == {"GR101": Confidence.MEDIUM, "GR102": Confidence.MEDIUM}
    assert all("exported" in f.message for f in found)


def test_main_package_exported_keeps_confidence(tmp_path: Path) -> None:
    found = _run(tmp_path, {"main.go": """package main

type T struct{}

var Seen = map[*T]bool{}

func main() { Seen[&T{}] = true }
"""})
    assert [(f.rule, f.confidence) for f in found] == [("GR101", Confidence.HIGH)]


def test_init_only_helpers_and_registries_do_not_count(tmp_path: Path) -> None:
    found = _run(tmp_path, {"a.go": """package a

import "sync"

type T struct{}

var byT = map[*T]int{}
var drivers sync.Map

func fill(ts []*T) {
	for i, t := range ts {
		byT[t] = i
	}
}

func init() { fill([]*T{{}, {}}) }

func RegisterDriver(name string, d *T) { drivers.Store(name, d) }

func Lookup(t *T) int { return byT[t] }
"""})
    assert found == []


def test_function_used_as_a_value_is_not_init_only(tmp_path: Path) -> None:
    found = _run(tmp_path, {"a.go": """package a

type T struct{}

var byT = map[*T]int{}

func add(t *T) { byT[t]++ }

var Hook = add
"""})
    assert [f.location.line for f in found] == [5]


def test_broken_syntax_does_not_raise(tmp_path: Path) -> None:
    found = _run(tmp_path, {"a.go": """package a

type T struct{ m map[*T]int

var x = &T{m: map[*T]int{}

func (t *T) add(k *T) { t.m[k] = ; delete( }
var y sync.Map
func f() { y.Store( }
"""})
    assert isinstance(found, list)


def test_word_offsets_respects_identifier_boundaries() -> None:
    src = b"m mm m_ xm m1 (m) m"
    assert [i for i, _ in word_offsets(src, [b"m"])] == [0, 15, 18]
