"""GR301 details the fixture does not pin down, and the shared flow helpers it uses."""

from __future__ import annotations

import os
from pathlib import Path

from goretain.rules.base import all_rules
from goretain.rules.flow import exits_loop_after, long_running, trip_bound
from goretain.source.syntax import descendants
from tests.wantcheck import run_dir


def _write(tmp_path: Path, src: str) -> str:
    d = tmp_path / "p"
    d.mkdir()
    (d / "p.go").write_text(src)
    return str(d)


def _pkg(tmp_path: Path, src: str):  # noqa: ANN202 - test helper
    from goretain.analysis import packages_of, read_files
    from goretain.source.loader import load

    spec = load([_write(tmp_path, src)])[0]
    files, _, _ = read_files(spec)
    return packages_of(spec, files)[0]


def test_examples(tmp_path: Path) -> None:
    meta = all_rules()["GR301"].meta
    for name, src, want in (("bad", meta.bad, True), ("good", meta.good, False)):
        d = tmp_path / name
        d.mkdir()
        (d / "p.go").write_text(src)
        got = [f for f in run_dir(str(d), ("GR301",)) if f.rule == "GR301"]
        assert bool(got) == want, (name, got)


def test_trip_bounds(tmp_path: Path) -> None:
    pkg = _pkg(tmp_path, """package p

const n = 4

func f(xs []int) {
	for i := 0; i < 3; i++ {}
	for i := 1; i <= n; i++ {}
	for _, s := range []string{"a", "b"} { _ = s }
	const k = 1 << 3
	for i := range k { _ = i }
	buf := make([]int, 8)
	for i := range buf { _ = i }
	for _, x := range xs { _ = x }
	for {}
}
""")
    loops = descendants(pkg.files[0].root, "for_statement")
    assert [trip_bound(pkg, lp) for lp in loops] == [3, 4, 2, 8, 8, None, None]


def test_exits_and_long_running(tmp_path: Path) -> None:
    pkg = _pkg(tmp_path, """package p

import "sync"

func f(ch chan int, wg *sync.WaitGroup) {
	for {
		defer g()
		if x() { break }
	}
	for {
		defer g()
		switch { default: break }
	}
	for range ch {
		defer g()
		return
	}
	wg.Wait()
}

func g() {}
func x() bool { return true }
""")
    root = pkg.files[0].root
    defers = descendants(root, "defer_statement")
    loops = descendants(root, "for_statement")
    assert [exits_loop_after(d, lp) for d, lp in zip(defers, loops, strict=True)] == [False, False, True]
    func = descendants(root, "function_declaration")[0]
    found = long_running(pkg, func.child_by_field_name("body"))
    assert found is not None and found.what == "an unbounded for loop"
    last = [s for s in descendants(func, "expression_statement")][-1]
    wait = long_running(pkg, last)
    assert wait is not None and wait.kind == "wait"
    assert long_running(pkg, last, waits=False) is None


def test_fixture_dirs_exist() -> None:
    here = os.path.dirname(__file__)
    assert os.path.isdir(os.path.join(here, "testdata", "src", "gr301"))
