"""Every rule is documented, and every README example behaves as it claims."""

from __future__ import annotations

import os

import pytest

from goretain.rules.base import all_rules
from goretain.rules.docs import example_gomod, readme_examples, update_readme
from tests.conftest import ROOT
from tests.wantcheck import run_dir

README = os.path.join(ROOT, "README.md")


def _readme() -> str:
    with open(README, encoding="utf-8") as fh:
        return fh.read()


def test_readme_rule_sections_are_current() -> None:
    doc = _readme()
    assert update_readme(doc) == doc, "README rule sections are stale: run python scripts/update_readme.py"


def test_every_rule_has_docs_and_examples() -> None:
    for rid, rule in all_rules().items():
        m = rule.meta
        assert m.summary and m.docs and m.fix, rid
        if rid != "GR000":
            assert "package " in m.bad and "package " in m.good, rid


EXAMPLES = readme_examples(_readme()) if os.path.exists(README) else []


@pytest.mark.parametrize(("rid", "kind", "code"), EXAMPLES, ids=[f"{r}-{k}" for r, k, _ in EXAMPLES])
def test_readme_example(rid: str, kind: str, code: str, tmp_path: object) -> None:
    d = os.path.join(str(tmp_path), "example")
    os.makedirs(d)
    with open(os.path.join(d, "example.go"), "w", encoding="utf-8") as fh:
        fh.write(code)
    if example_gomod(rid):
        with open(os.path.join(d, "go.mod"), "w", encoding="utf-8") as fh:
            fh.write(example_gomod(rid))
    got = [f for f in run_dir(d, (rid,)) if f.rule == rid]
    if kind == "bad":
        assert got, f"{rid}'s bad example is not flagged"
    else:
        assert not got, f"{rid}'s good example is flagged: {[f.message for f in got]}"
