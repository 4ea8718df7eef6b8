"""Reporters: golden files for every format, SARIF structure, GitHub escaping.

Regenerate the golden files with `GORETAIN_UPDATE_GOLDEN=1 pytest tests/test_reports.py`.
"""

from __future__ import annotations

import io
import json
import os
from typing import Any

import pytest

from goretain import __version__
from goretain.cli import main
from goretain.findings import Confidence, Finding, InputError, Location, Related, Severity
from goretain.report import render
from goretain.report.github import escape_data, escape_property, format_finding
from goretain.report.model import CheckResult
from goretain.report.sarif import artifact_location, sarif_doc
from goretain.rules.base import all_rules
from tests.conftest import ROOT
from tests.leakyrule import leaky_rule  # noqa: F401  (fixture)

GOLDEN = os.path.join(ROOT, "tests", "golden")
FIXTURE = "tests/testdata/golden/pkg"
SUFFIX = {"text": "txt", "json": "json", "sarif": "sarif", "github": "github"}


def _normalise(out: str) -> str:
    return out.replace(f'"{__version__}"', '"<version>"')


@pytest.mark.usefixtures("leaky_rule")
@pytest.mark.parametrize("fmt", sorted(SUFFIX))
def test_golden(fmt: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    code = main(["check", "--no-cache", "-j1", "--no-color", "--enable", "GR990", "--format", fmt, FIXTURE])
    out = _normalise(capsys.readouterr().out)
    assert code == 1
    path = os.path.join(GOLDEN, f"check.{SUFFIX[fmt]}")
    if os.environ.get("GORETAIN_UPDATE_GOLDEN"):
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(out)
    with open(path, encoding="utf-8") as fh:
        want = fh.read()
    assert out == want, f"{fmt} output changed; GORETAIN_UPDATE_GOLDEN=1 regenerates {path}"


def _finding(**kw: Any) -> Finding:
    base: dict[str, Any] = {
        "rule": "GR000",
        "category": "suppression",
        "severity": Severity.WARNING,
        "confidence": Confidence.HIGH,
        "location": Location("dir/a b.go", 3, 2, 3, 9),
        "message": "100% sure, line one\nline two",
        "fix": "do x, then y: done",
        "related": (Related(Location("dir/c.go", 7, 1), "added here"),),
        "symbol": "p.x",
        "snippet": "x",
    }
    base.update(kw)
    return Finding(**base)


def _result(**kw: Any) -> CheckResult:
    return CheckResult(findings=[_finding(**kw)], errors=[InputError("bad.go", "not valid UTF-8 at byte 3")])


# --- SARIF ------------------------------------------------------------------------------

def _region_ok(region: dict[str, Any]) -> None:
    assert isinstance(region["startLine"], int) and region["startLine"] >= 1
    for k in ("startColumn", "endLine", "endColumn"):
        if k in region:
            assert isinstance(region[k], int) and region[k] >= 1
    assert region.get("endLine", region["startLine"]) >= region["startLine"]


def _location_ok(loc: dict[str, Any]) -> None:
    phys = loc["physicalLocation"]
    art = phys["artifactLocation"]
    assert "\\" not in art["uri"] and not art["uri"].startswith("/")
    if "uriBaseId" in art:
        assert art["uriBaseId"] == "%SRCROOT%"
    if "region" in phys:
        _region_ok(phys["region"])


def test_sarif_structure() -> None:
    doc = json.loads(json.dumps(sarif_doc(_result())))
    assert doc["version"] == "2.1.0" and doc["$schema"].endswith("sarif-schema-2.1.0.json")
    assert len(doc["runs"]) == 1
    run = doc["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "goretain" and driver["version"] == __version__
    ids = [r["id"] for r in driver["rules"]]
    assert ids == sorted(all_rules())  # no rule_ids given: every registered rule
    for r in driver["rules"]:
        assert r["shortDescription"]["text"] and r["fullDescription"]["text"]
        assert r["help"]["text"] and "```go" in r["help"]["markdown"]
        assert r["defaultConfiguration"]["level"] in ("none", "note", "warning", "error")
        assert {"category", "confidence"} <= set(r["properties"])
    (res,) = run["results"]
    assert res["ruleId"] == "GR000" and driver["rules"][res["ruleIndex"]]["id"] == "GR000"
    assert res["level"] == "warning"
    assert res["message"]["text"].startswith("100% sure") and "Fix: do x" in res["message"]["text"]
    (loc,) = res["locations"]
    _location_ok(loc)
    assert loc["physicalLocation"]["artifactLocation"] == {"uri": "dir/a%20b.go", "uriBaseId": "%SRCROOT%"}
    assert loc["physicalLocation"]["region"] == {"startLine": 3, "startColumn": 2, "endLine": 3, "endColumn": 9}
    (rel,) = res["relatedLocations"]
    _location_ok(rel)
    assert rel["message"]["text"] == "added here" and isinstance(rel["id"], int)
    assert res["partialFingerprints"] == {"goretain/v1": _finding().fingerprint}
    (inv,) = run["invocations"]
    assert inv["executionSuccessful"] is True
    (note,) = inv["toolExecutionNotifications"]
    assert note["level"] in ("none", "note", "warning", "error") and "UTF-8" in note["message"]["text"]
    _location_ok(note["locations"][0])


def test_sarif_lists_the_rules_that_ran() -> None:
    result = _result()
    result.rule_ids = ("GR000",)
    assert [r["id"] for r in sarif_doc(result)["runs"][0]["tool"]["driver"]["rules"]] == ["GR000"]


def test_sarif_levels_follow_severity_overrides() -> None:
    doc = sarif_doc(_result(severity=Severity.ERROR))
    assert doc["runs"][0]["results"][0]["level"] == "error"


def test_sarif_absolute_paths_become_file_uris() -> None:
    assert artifact_location("/abs/x y.go") == {"uri": "file:///abs/x%20y.go"}
    assert artifact_location("rel/x.go") == {"uri": "rel/x.go", "uriBaseId": "%SRCROOT%"}


def test_sarif_columns_are_utf16(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with open("u.go", "w", encoding="utf-8") as fh:
        fh.write('x := "é😀"; f()\n')
    # Byte column 16 is `f`: é is 2 bytes / 1 UTF-16 unit, 😀 is 4 bytes / 2 units.
    doc = sarif_doc(CheckResult([_finding(location=Location("u.go", 1, 16, 1, 19), related=())]))
    region = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert (region["startColumn"], region["endColumn"]) == (13, 16)


def test_sarif_empty_run_is_valid() -> None:
    doc = sarif_doc(CheckResult([]))
    assert doc["runs"][0]["results"] == []
    assert doc["runs"][0]["invocations"][0]["toolExecutionNotifications"] == []


# --- GitHub -----------------------------------------------------------------------------

def test_github_escaping() -> None:
    assert escape_data("100%\r\nx:y,z") == "100%25%0D%0Ax:y,z"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_github_annotation() -> None:
    line = format_finding(_finding())
    assert line.startswith("::warning file=dir/a b.go,line=3,col=2,endLine=3,endColumn=9,title=GR000 (suppression)::")
    assert "\n" not in line
    assert line.endswith("::100%25 sure, line one%0Aline two%0AFix: do x, then y: done%0Adir/c.go:7:1: added here")
    assert format_finding(_finding(severity=Severity.NOTE)).startswith("::notice ")
    assert format_finding(_finding(severity=Severity.ERROR)).startswith("::error ")


def test_github_property_with_comma_in_path() -> None:
    line = format_finding(_finding(location=Location("a,b:c.go", 1, 1, 1, 2)))
    assert "file=a%2Cb%3Ac.go," in line


# --- JSON and text ----------------------------------------------------------------------

def test_json_schema_keys() -> None:
    out = io.StringIO()
    render("json", _result(), out)
    doc = json.loads(out.getvalue())
    assert doc["version"] == 1 and doc["tool"] == "goretain" and doc["tool_version"] == __version__
    (f,) = doc["findings"]
    assert set(f) == {
        "rule", "category", "severity", "confidence", "path", "line", "column", "end_line",
        "end_column", "message", "related", "fix", "fingerprint",
    }
    assert f["related"] == [{"path": "dir/c.go", "line": 7, "column": 1, "message": "added here"}]
    assert doc["errors"] == [{"path": "bad.go", "message": "not valid UTF-8 at byte 3"}]


def test_text_format() -> None:
    out = io.StringIO()
    render("text", _result(message="m"), out)
    assert out.getvalue() == "dir/a b.go:3:2: m (GR000)\nbad.go: error: not valid UTF-8 at byte 3\n"


def test_text_color_shows_source_and_caret(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with open("a.go", "w", encoding="utf-8") as fh:
        fh.write("package p\n\tx := f()\n")
    out = io.StringIO()
    render("text", CheckResult([_finding(location=Location("a.go", 2, 7, 2, 10), message="m")]), out, color=True)
    text = out.getvalue()
    assert "\tx := f()" in text and "\t     \x1b[31m^" in text and "fix: do x" in text
