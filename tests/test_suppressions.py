"""`//goretain:ignore` and `//nolint` comments, and GR000 about the bad ones."""

from __future__ import annotations

import os

import pytest

from goretain.analysis import AnalysisOptions, analyse_spec
from goretain.findings import Finding
from goretain.processing import _parse, apply_suppressions
from goretain.rules.base import all_rules
from goretain.source.loader import load
from tests.leakyrule import leaky_rule  # noqa: F401  (fixture)

pytestmark = pytest.mark.usefixtures("leaky_rule")

HEAD = "package p\n\nfunc leakyThing() {}\n\n"


def run(tmp_path: object, body: str, ids: tuple[str, ...] = ("GR000", "GR990"), name: str = "a.go",
        extra: dict[str, str] | None = None) -> list[Finding]:
    d = str(tmp_path)
    files = {name: HEAD + body, **(extra or {})}
    for n, content in files.items():
        with open(os.path.join(d, n), "w", encoding="utf-8") as fh:
            fh.write(content)
    return sorted(analyse_spec(load([d])[0], AnalysisOptions(ids)).findings, key=lambda f: f.sort_key)


def got(findings: list[Finding]) -> list[tuple[int, str]]:
    """(line, rule) pairs; line numbers count from the first line of the body (HEAD is 4 lines)."""
    return [(f.location.line - 4, f.rule) for f in findings]


def test_trailing_ignore_silences_its_line_only(tmp_path: object) -> None:
    fs = run(tmp_path, "func a() {\n\tleakyThing() //goretain:ignore GR990 owned by the pool\n\tleakyThing()\n}\n")
    assert got(fs) == [(3, "GR990")]


def test_own_line_ignore_silences_next_code_line(tmp_path: object) -> None:
    body = (
        "func a() {\n"
        "\t//goretain:ignore GR990 bounded by the caller\n"
        "\t// An ordinary comment between the directive and the code.\n"
        "\tleakyThing()\n"
        "\tleakyThing()\n"
        "}\n"
    )
    assert got(run(tmp_path, body)) == [(5, "GR990")]


def test_several_ids_with_and_without_spaces(tmp_path: object) -> None:
    body = (
        "func a() {\n"
        "\tleakyThing() //goretain:ignore GR000,GR990 reason one\n"
        "\tleakyThing() //goretain:ignore GR000, gr990 reason two\n"
        "}\n"
    )
    assert got(run(tmp_path, body)) == []


def test_reason_after_nested_comment_marker_counts(tmp_path: object) -> None:
    body = "func a() {\n\tleakyThing() //goretain:ignore GR990 // the pool frees it\n}\n"
    assert got(run(tmp_path, body)) == []


def test_missing_reason_is_reported_and_silences_nothing(tmp_path: object) -> None:
    fs = run(tmp_path, "func a() {\n\tleakyThing() //goretain:ignore GR990\n}\n")
    assert got(fs) == [(2, "GR990"), (2, "GR000")]
    gr000 = fs[1]
    assert "suppression needs a reason" in gr000.message
    assert gr000.category == "suppression" and gr000.severity.value == "warning"
    assert gr000.location.column == 15  # the comment, not the call


def test_missing_ids_is_reported(tmp_path: object) -> None:
    fs = run(tmp_path, "func a() {\n\tleakyThing() //goretain:ignore it is fine\n}\n")
    assert got(fs) == [(2, "GR990"), (2, "GR000")]
    assert "needs rule IDs" in fs[1].message


def test_unused_suppression_is_reported_for_enabled_rules(tmp_path: object) -> None:
    body = "func a() {\n\t//goretain:ignore GR990 nothing below\n\tx := 1\n\t_ = x\n}\n"
    fs = run(tmp_path, body)
    assert got(fs) == [(2, "GR000")]
    assert "unused suppression" in fs[0].message and "GR990" in fs[0].message


def test_unused_not_reported_when_rule_not_enabled(tmp_path: object) -> None:
    body = "func a() {\n\t//goretain:ignore GR990 nothing below\n\tx := 1\n\t_ = x\n}\n"
    assert got(run(tmp_path, body, ids=("GR000",))) == []


def test_unknown_rule_is_reported_but_known_ones_still_apply(tmp_path: object) -> None:
    fs = run(tmp_path, "func a() {\n\tleakyThing() //goretain:ignore GR990,GR987 reason\n}\n")
    assert got(fs) == [(2, "GR000")]
    assert "unknown rule GR987" in fs[0].message


def test_gr000_disabled_reports_nothing_but_still_suppresses(tmp_path: object) -> None:
    body = "func a() {\n\tleakyThing() //goretain:ignore GR990 reason\n\tx := 1 //goretain:ignore GR990\n\t_ = x\n}\n"
    assert got(run(tmp_path, body, ids=("GR990",))) == []


@pytest.mark.parametrize(
    "comment",
    ["//nolint", "//nolint:all", "//nolint:goretain", "//nolint:errcheck,goretain // why", "//nolint:GR990"],
)
def test_nolint_variants_silence(tmp_path: object, comment: str) -> None:
    assert got(run(tmp_path, f"func a() {{\n\tleakyThing() {comment}\n}}\n")) == []


def test_nolint_for_other_linters_does_not_silence(tmp_path: object) -> None:
    fs = run(tmp_path, "func a() {\n\tleakyThing() //nolint:errcheck\n\tleakyThing() //nolintx\n}\n")
    assert got(fs) == [(2, "GR990"), (3, "GR990")]


def test_unused_nolint_is_not_reported(tmp_path: object) -> None:
    assert got(run(tmp_path, "func a() {\n\tx := 1 //nolint:goretain\n\t_ = x\n}\n")) == []


def test_own_line_nolint_covers_next_line(tmp_path: object) -> None:
    assert got(run(tmp_path, "func a() {\n\t//nolint:goretain\n\tleakyThing()\n}\n")) == []


def test_ignore_file(tmp_path: object) -> None:
    other = "package p\n\nfunc b() {\n\tleakyThing()\n}\n"
    body = "//goretain:ignore-file GR990 generated-like test scaffolding\n\nfunc a() {\n\tleakyThing()\n\tleakyThing()\n}\n"
    fs = run(tmp_path, body, extra={"b.go": other})
    assert [(os.path.basename(f.location.path), f.location.line, f.rule) for f in fs] == [("b.go", 4, "GR990")]


def test_unused_ignore_file_is_reported(tmp_path: object) -> None:
    fs = run(tmp_path, "//goretain:ignore-file GR990 reason\n\nfunc a() {}\n")
    assert got(fs) == [(1, "GR000")] and "in this file" in fs[0].message


def test_space_after_slashes_is_accepted(tmp_path: object) -> None:
    assert got(run(tmp_path, "func a() {\n\tleakyThing() // goretain:ignore GR990 reason\n}\n")) == []


def test_look_alikes_are_not_directives(tmp_path: object) -> None:
    body = (
        "var s = \"//goretain:ignore GR990 in a string\"\n"
        "func a() {\n"
        "\tleakyThing() //goretain:ignored GR990 not the directive\n"
        "\tleakyThing() /* goretain:ignore GR990 block comments do not count */\n"
        "}\n"
    )
    assert got(run(tmp_path, body)) == [(3, "GR990"), (4, "GR990")]


def test_unused_not_reported_in_files_with_syntax_errors(tmp_path: object) -> None:
    body = "func a() {\n\t//goretain:ignore GR990 reason\n\tx := \n}\n"
    assert [f.rule for f in run(tmp_path, body)] == []


def test_findings_in_files_without_directives_pass_through() -> None:
    assert apply_suppressions([], [], {"GR000"}) == []


@pytest.mark.parametrize(
    ("body", "want"),
    [
        ("goretain:ignore GR101 why", ("ignore", {"GR101"}, "why")),
        ("goretain:ignore GR101,GR102 why not", ("ignore", {"GR101", "GR102"}, "why not")),
        ("goretain:ignore GR101 - because", ("ignore", {"GR101"}, "because")),
        ("goretain:ignore GR101", ("ignore", {"GR101"}, "")),
        ("goretain:ignore", ("ignore", set(), "")),
        ("goretain:ignore-file GR101 r", ("ignore-file", {"GR101"}, "r")),
        ("goretain:ignorefoo GR101 r", None),
        ("nolint:errcheck", None),
        ("nolintfoo", None),
        ("just words", None),
    ],
)
def test_parse(body: str, want: tuple[str, set[str], str] | None) -> None:
    got_ = _parse(body)
    if want is None:
        assert got_ is None
    else:
        assert got_ is not None and (got_[0], set(got_[1]), got_[2]) == want


def test_gr000_is_a_documented_rule() -> None:
    meta = all_rules()["GR000"].meta
    assert meta.category == "suppression" and meta.bad and meta.good
