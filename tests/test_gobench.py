"""bench/gobench.py: comment blanking, expected-leak parsing, frame names, and a small run."""

from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "bench"))
import gobench  # noqa: E402


def test_blank_comments_keeps_positions() -> None:
    src = 'package p // c\n/* a\nb */ var s = "//x" // y\nvar r = `/*`\n'
    out = gobench.blank_comments(src)
    assert len(out) == len(src) and out.count("\n") == src.count("\n")
    assert "//" not in out.replace('"//x"', "") and "/*" not in out.replace("`/*`", "")
    assert '"//x"' in out and "`/*`" in out


def test_expected_leaks_reads_commented_cases() -> None:
    src = (
        "gokerTestCases := []testCase{\n"
        '\tmakeTest("A1", `A1\\.func2\\(.* \\[chan send\\]`),\n'
        '\tmakeFlakyTest("B2",\n\t\t`\\(\\*T_b2\\)\\.run\\(.* \\[select\\]`,\n\t\t`B2\\.func1\\(.* \\[chan receive\\]`,\n\t),\n'
        '\t// makeTest(testCase{name: "C3"},\n\t// \t`C3\\.gowrap1\\(.* \\[chan send\\]`),\n'
        "}\n"
    )
    leaks = gobench.expected_leaks(src)
    assert leaks["A1"] == [r"A1\.func2\(.*"]
    assert leaks["B2"] == [r"\(\*T_b2\)\.run\(.*", r"B2\.func1\(.*"]
    assert leaks["C3"] == [r"C3\.gowrap1\(.*"]


def test_frames_name_literals_like_the_runtime() -> None:
    src = (
        b"package main\n\nfunc F() {\n\tdefer func() {}()\n\tgo func() {\n\t\tgo func() {}()\n\t}()\n}\n\n"
        b"type T struct{}\n\nfunc (t *T) Run() {\n\tgo func() {}()\n}\n"
    )
    names = {f.name: (f.start, f.end, f.holes) for f in gobench.frames(src)}
    assert set(names) >= {"F", "F.func1", "F.func2", "F.func2.1", "(*T).Run", "(*T).Run.func1"}
    assert names["F.func2"][:2] == (5, 7) and names["F.func2"][2] == [(6, 6)]


GOROOT_KERNELS = os.path.join(gobench.goroot(), gobench.GOKER)


@pytest.mark.skipif(not os.path.isdir(GOROOT_KERNELS), reason="GoKer kernels not in this GOROOT")
def test_scores_a_few_kernels() -> None:
    scores = {s.file[:-3]: s for s in gobench.run(gobench.goroot(), {"kubernetes5316", "moby7559", "moby36114"})}
    assert set(scores) == {"kubernetes5316", "moby7559", "moby36114"}
    assert all(s.flagged for s in scores.values()), {k: s.findings for k, s in scores.items()}
