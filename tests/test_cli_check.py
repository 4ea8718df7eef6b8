"""`goretain check` and `goretain rules` end to end through cli.main: exit codes, bad
input, --output, baselines, the cache, and which files a run covers."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from goretain.cli import main
from tests.leakyrule import leaky_rule  # noqa: F401  (fixture)

pytestmark = pytest.mark.usefixtures("leaky_rule")

LEAKY = "package p\n\nfunc leakyThing() {}\n\nfunc A() {\n\tleakyThing()\n}\n"
CLEAN = "package p\n\nfunc B() int { return 1 }\n"


@pytest.fixture()
def work(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    return str(tmp_path)


def write(files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        os.makedirs(os.path.dirname(rel) or ".", exist_ok=True)
        data = content.encode() if isinstance(content, str) else content
        with open(rel, "wb") as fh:
            fh.write(data)


def check(capsys: pytest.CaptureFixture[str], *args: str, fmt: str = "text") -> tuple[int, str, str]:
    code = main(["check", "-j1", "--no-color", "--enable", "GR990", "--format", fmt, *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def check_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = check(capsys, *args, fmt="json")
    return code, json.loads(out)


def where(doc: dict[str, Any]) -> list[tuple[str, int, str]]:
    return [(f["path"], f["line"], f["rule"]) for f in doc["findings"]]


def usage_error(capsys: pytest.CaptureFixture[str], *args: str, verb: str = "check") -> str:
    code = main([verb, *args])
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert "Traceback" not in err and out == ""
    assert err.startswith("goretain: ") and err.count("\n") == 1, err
    return err


# --- exit codes -------------------------------------------------------------------------

def test_exit_1_with_findings_and_0_without(work: str, capsys: pytest.CaptureFixture[str]) -> None:
    write({"a/a.go": LEAKY, "b/b.go": CLEAN})
    code, out, err = check(capsys, "a")
    assert code == 1 and out == "a/a.go:6:2: leakyThing() in A pins a *Thing forever (GR990)\n"
    assert check(capsys, "b")[0] == 0
    assert check(capsys)[0] == 1  # default ./...


# --- bad input: one line on stderr, exit 2 ----------------------------------------------

def test_missing_path(work: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert "no such file or directory" in usage_error(capsys, "nope/...")
    assert "no such file or directory" in usage_error(capsys, "nope.go")


def test_directory_without_go_files(work: str, capsys: pytest.CaptureFixture[str]) -> None:
    write({"empty/readme.txt": "hi"})
    assert "no Go files" in usage_error(capsys, "empty")
    assert "no Go files" in usage_error(capsys, "empty/...")


def test_non_go_file(work: str, capsys: pytest.CaptureFixture[str]) -> None:
    write({"notes.txt": "hi"})
    assert "not a Go file" in usage_error(capsys, "notes.txt")


def test_malformed_go_mod(work: str, capsys: pytest.CaptureFixture[str]) -> None:
    write({"go.mod": "modul example.com/x\n", "a.go": CLEAN})
    assert "malformed go.mod" in usage_error(capsys, ".")


def test_unknown_rule_in_enable_and_disable(work: str, capsys: pytest.CaptureFixture[str]) -> None:
    write({"a.go": CLEAN})
    assert "unknown rule GR555" in usage_error(capsys, "--enable", "GR555", ".")
    assert "unknown rule GR556" in usage_error(capsys, "--disable", "gr556", ".")


def test_config_unknown_key_and_bad_toml(work: str, capsys: pytest.CaptureFixture[str]) -> None:
    write({"a.go": CLEAN, "bad.toml": "enabel = ['GR990']\n", "worse.toml": "enable = [\n"})
    assert "unknown key 'enabel'" in usage_error(capsys, "--config", "bad.toml", ".")
    assert "invalid TOML" in usage_error(capsys, "--config", "worse.toml", ".")
    assert "cannot read config" in usage_error(capsys, "--config", "missing.toml", ".")
    write({"goretain.toml": "enabel = ['GR990']\n"})  # discovered, not named
    assert "unknown key 'enabel'" in usage_error(capsys, ".")


def test_bad_baseline(work: str, capsys: pytest.CaptureFixture[str]) -> None:
    write({"a.go": LEAKY, "b.json": "{not json", "c.json": '{"something": 1}'})
    assert "cannot read baseline" in usage_error(capsys, "--baseline", "missing.json", ".")
    assert "is not JSON" in usage_error(capsys, "--baseline", "b.json", ".")
    assert "expected goretain baseline" in usage_error(capsys, "--baseline", "c.json", ".")


def test_output_to_missing_directory(work: str, capsys: pytest.CaptureFixture[str]) -> None:
    write({"a.go": LEAKY})
    assert "cannot write" in usage_error(capsys, "--output", "no/such/dir/out.txt", ".")


def test_unknown_rule_for_rules_verb(capsys: pytest.CaptureFixture[str]) -> None:
    assert "unknown rule GR555" in usage_error(capsys, "GR555", verb="rules")


# --- bad files: reported in errors, the run goes on -------------------------------------

def test_non_utf8_file_is_an_error_not_a_stop(work: str, capsys: pytest.CaptureFixture[str]) -> None:
    write({"a.go": LEAKY, "latin1.go": b"package p\n\n// caf\xe9\nfunc C() {}\n"})
    code, doc = check_json(capsys, ".")
    assert code == 1 and where(doc) == [("a.go", 6, "GR990")]
    assert doc["errors"] == [{"path": "latin1.go", "message": "not valid UTF-8 at line 3, column 7", "line": 3}]


def test_non_utf8_file_alone_exits_0(work: str, capsys: pytest.CaptureFixture[str]) -> None:
    write({"latin1.go": b"package p\n\n// caf\xe9\n"})
    code, doc = check_json(capsys, ".")
    assert code == 0 and doc["findings"] == [] and len(doc["errors"]) == 1


def test_unreadable_file(work: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    write({"a.go": LEAKY, "secret.go": CLEAN})
    real_open = open

    def fake_open(path: Any, *args: Any, **kw: Any) -> Any:
        if str(path).endswith("secret.go"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kw)

    # Running as root makes chmod useless; fail the read where the analyser does it.
    monkeypatch.setattr("goretain.analysis.open", fake_open, raising=False)
    code, doc = check_json(capsys, "--no-cache", ".")
    assert code == 1 and where(doc) == [("a.go", 6, "GR990")]
    assert doc["errors"] == [{"path": "secret.go", "message": "cannot read: Permission denied"}]


def test_syntax_error_file_is_reported_and_still_analysed(work: str, capsys: pytest.CaptureFixture[str]) -> None:
    broken = "package p\n\nfunc D() {\n\tleakyThing()\n\tx := \n}\n"
    write({"a.go": LEAKY, "broken.go": broken})
    code, doc = check_json(capsys, ".")
    assert code == 1
    assert ("a.go", 6, "GR990") in where(doc)
    assert [e["path"] for e in doc["errors"]] == ["broken.go"]
    assert doc["errors"][0]["line"] == 5


def test_text_format_lists_errors(work: str, capsys: pytest.CaptureFixture[str]) -> None:
    write({"latin1.go": b"package p\n\n// caf\xe9\n"})
    code, out, _ = check(capsys, ".")
    assert code == 0 and out == "latin1.go:3: error: not valid UTF-8 at line 3, column 7\n"


# --- output, baseline --------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_output_file(work: str, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    write({"a.go": LEAKY})
    code, out, _ = check(capsys, "--output", "report.out", ".", fmt=fmt)
    assert code == 1 and out == ""
    with open("report.out", encoding="utf-8") as fh:
        body = fh.read()
    assert "GR990" in body
    assert not [n for n in os.listdir(".") if ".tmp" in n]
    if fmt in ("json", "sarif"):
        json.loads(body)


def test_baseline_round_trip(work: str, capsys: pytest.CaptureFixture[str]) -> None:
    write({"a.go": LEAKY})
    code, out, _ = check(capsys, "--write-baseline", "base.json", ".")
    assert code == 1 and "GR990" in out  # writing a baseline still reports
    with open("base.json", encoding="utf-8") as fh:
        assert len(json.load(fh)["fingerprints"]) == 1
    assert check(capsys, "--baseline", "base.json", ".") == (0, "", "")
    # Unrelated edits that move the old finding keep it hidden; a new one shows.
    write({"a.go": "package p\n\n// moved\n" + LEAKY[len("package p\n\n"):] + "\nfunc E() {\n\tleakyThing()\n}\n"})
    code, doc = check_json(capsys, "--baseline", "base.json", ".")
    assert code == 1 and where(doc) == [("a.go", 11, "GR990")]


def test_json_report_works_as_baseline(work: str, capsys: pytest.CaptureFixture[str]) -> None:
    write({"a.go": LEAKY})
    check(capsys, "--output", "report.json", ".", fmt="json")
    assert check(capsys, "--baseline", "report.json", ".")[0] == 0


# --- cache ------------------------------------------------------------------------------

def test_cache_same_output_and_invalidation(work: str, capsys: pytest.CaptureFixture[str]) -> None:
    write({"a.go": LEAKY})
    first = check(capsys, ".", fmt="json")
    assert check(capsys, ".", fmt="json") == first
    write({"a.go": LEAKY.replace("\tleakyThing()\n", "\tleakyThing()\n\tleakyThing()\n")})
    code, doc = check_json(capsys, ".")
    assert where(doc) == [("a.go", 6, "GR990"), ("a.go", 7, "GR990")]
    write({"a.go": CLEAN})
    assert check(capsys, ".")[0] == 0


# --- which files a run covers -----------------------------------------------------------

def test_test_files_and_no_tests(work: str, capsys: pytest.CaptureFixture[str]) -> None:
    write({"a.go": CLEAN, "a_test.go": LEAKY.replace("func A", "func TestA")})
    assert check(capsys, ".")[0] == 1
    assert check(capsys, "--no-tests", ".")[0] == 0


def test_generated_files_skipped_unless_named(work: str, capsys: pytest.CaptureFixture[str]) -> None:
    write({"a.go": CLEAN, "gen.go": "// Code generated by stringer; DO NOT EDIT.\n\n" + LEAKY})
    assert check(capsys, ".")[0] == 0
    assert check(capsys, "./...")[0] == 0
    code, out, _ = check(capsys, "gen.go")
    assert code == 1 and out.startswith("gen.go:8:2:")


def test_vendor_and_testdata_skipped_under_dots(work: str, capsys: pytest.CaptureFixture[str]) -> None:
    write({"a.go": CLEAN, "vendor/v/v.go": LEAKY, "testdata/t/t.go": LEAKY, "sub/s.go": LEAKY})
    code, doc = check_json(capsys, "./...")
    assert code == 1 and where(doc) == [("sub/s.go", 6, "GR990")]
    code, doc = check_json(capsys, "testdata/t")
    assert where(doc) == [("testdata/t/t.go", 6, "GR990")]


def test_suppression_and_gr000_through_cli(work: str, capsys: pytest.CaptureFixture[str]) -> None:
    src = LEAKY.replace("\tleakyThing()\n", "\tleakyThing() //goretain:ignore GR990 one-shot init\n\tx := 1 //goretain:ignore GR990\n\t_ = x\n")
    write({"a.go": src})
    code, doc = check_json(capsys, ".")
    assert code == 1 and where(doc) == [("a.go", 7, "GR000")]
    code, doc = check_json(capsys, "--disable", "GR000", ".")
    assert code == 0 and doc["findings"] == []


# --- rules verb -------------------------------------------------------------------------

def test_rules_list_and_one_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("GR000  suppression") and "GR990" in out
    assert main(["rules", "gr000"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("GR000 suppression-comment (suppression, warning, high confidence)")
    assert "Bad:" in out and "Good:" in out and "Fix:" in out
