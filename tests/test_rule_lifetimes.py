"""GR302-GR304, GR103, GR104, GR501: each rule's documented bad example is flagged and its
good example is not; fixtures under tests/testdata/src/gr3xx* cover the hand-off cases."""

from __future__ import annotations

import os

import pytest

from goretain.rules.base import all_rules
from goretain.rules.docs import example_gomod
from tests.wantcheck import run_dir

LIFETIME_RULES = [rid for rid in ("GR103", "GR104", "GR302", "GR303", "GR304", "GR501") if rid in all_rules()]


def _write(tmp: str, code: str, gomod: str = "") -> str:
    d = os.path.join(tmp, "example")
    os.makedirs(d)
    with open(os.path.join(d, "example.go"), "w", encoding="utf-8") as fh:
        fh.write(code)
    if gomod:
        with open(os.path.join(d, "go.mod"), "w", encoding="utf-8") as fh:
            fh.write(gomod)
    return d


@pytest.mark.parametrize("rid", LIFETIME_RULES)
def test_bad_example_flagged(rid: str, tmp_path: object) -> None:
    meta = all_rules()[rid].meta
    gomod = example_gomod(rid)
    got = [f for f in run_dir(_write(str(tmp_path), meta.bad, gomod), (rid,)) if f.rule == rid]
    assert got, f"{rid}'s bad example is not flagged"
    assert all(f.message and f.fix for f in got)


@pytest.mark.parametrize("rid", LIFETIME_RULES)
def test_good_example_clean(rid: str, tmp_path: object) -> None:
    meta = all_rules()[rid].meta
    gomod = example_gomod(rid)
    got = [f for f in run_dir(_write(str(tmp_path), meta.good, gomod), (rid,)) if f.rule == rid]
    assert not got, [f.message for f in got]


def test_gr303_message_names_go_version(tmp_path: object) -> None:
    meta = all_rules()["GR303"].meta
    got = run_dir(_write(str(tmp_path), meta.bad, "module example.com/x\n\ngo 1.21\n"), ("GR303",))
    assert got and "go 1.21" in got[0].message


def test_gr303_quiet_from_go_1_23(tmp_path: object) -> None:
    meta = all_rules()["GR303"].meta
    assert not run_dir(_write(str(tmp_path), meta.bad, "module example.com/x\n\ngo 1.23\n"), ("GR303",))


def test_gr304_points_at_leaking_return(tmp_path: object) -> None:
    meta = all_rules()["GR304"].meta
    got = run_dir(_write(str(tmp_path), meta.bad), ("GR304",))
    assert got[0].location.line == 10  # the http.Get
    assert got[0].related and got[0].related[0].location.line == 15  # the early return


def test_partial_syntax_does_not_raise(tmp_path: object) -> None:
    code = "package p\n\nimport (\n\t\"context\"\n\t\"os\"\n)\n\nfunc f(p context.Context) {\n\tctx, cancel := context.WithCancel(\n\tf, err := os.Open(\n}\n"
    for rid in LIFETIME_RULES:
        run_dir(_write(os.path.join(str(tmp_path), rid), code), (rid,))
