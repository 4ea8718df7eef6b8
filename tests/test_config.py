"""goretain.toml / pyproject [tool.goretain]: discovery, validation, and effect on a run."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

import goretain.commands.check as check_cmd
from goretain.analysis import AnalysisOptions
from goretain.cli import main
from goretain.config import Config, from_mapping, load_config
from goretain.errors import UserError
from goretain.findings import Severity
from tests.leakyrule import leaky_rule  # noqa: F401  (fixture)

LEAKY = "package p\n\nfunc leakyThing() {}\n\nfunc A() {\n\tleakyThing()\n}\n"


def write(files: dict[str, str]) -> None:
    for rel, content in files.items():
        os.makedirs(os.path.dirname(rel) or ".", exist_ok=True)
        with open(rel, "w", encoding="utf-8") as fh:
            fh.write(content)


@pytest.fixture()
def work(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    return str(tmp_path)


# --- discovery ----------------------------------------------------------------------------

def test_defaults_without_any_file(work: str) -> None:
    os.makedirs("a/b")
    # The search stops at the filesystem root; tmp dirs have no goretain config above them.
    assert load_config(start="a/b") == Config()


def test_goretain_toml_found_in_parent(work: str) -> None:
    write({"goretain.toml": 'disable = ["GR101"]\n'})
    os.makedirs("a/b")
    cfg = load_config(start="a/b")
    assert cfg.disable == {"GR101"} and cfg.source == os.path.join(work, "goretain.toml")


def test_pyproject_section(work: str) -> None:
    write({"pyproject.toml": '[project]\nname = "x"\n\n[tool.goretain]\nenable = ["GR101"]\ntests = false\n'})
    cfg = load_config()
    assert cfg.enable == {"GR101"} and cfg.tests is False and cfg.source.endswith("[tool.goretain]")


def test_pyproject_without_section_is_skipped(work: str) -> None:
    write({"goretain.toml": 'exclude = ["gen/*"]\n', "sub/pyproject.toml": '[project]\nname = "x"\n'})
    assert load_config(start="sub").exclude == ("gen/*",)


def test_goretain_toml_wins_over_pyproject_in_same_dir(work: str) -> None:
    write({"goretain.toml": 'disable = ["GR101"]\n', "pyproject.toml": '[tool.goretain]\ndisable = ["GR102"]\n'})
    assert load_config().disable == {"GR101"}


def test_nearest_file_wins(work: str) -> None:
    write({"goretain.toml": 'disable = ["GR101"]\n', "sub/goretain.toml": 'disable = ["GR102"]\n'})
    assert load_config(start="sub").disable == {"GR102"}


def test_explicit_config_file(work: str) -> None:
    write({"cfg/custom.toml": 'disable = ["GR201"]\n', "cfg/pyproject.toml": '[tool.goretain]\ndisable = ["GR301"]\n'})
    assert load_config("cfg/custom.toml").disable == {"GR201"}
    assert load_config("cfg/pyproject.toml").disable == {"GR301"}


# --- validation ---------------------------------------------------------------------------

def test_full_mapping() -> None:
    cfg = from_mapping(
        {
            "enable": ["GR101"], "disable": ["GR102"], "severity": {"GR101": "error"},
            "exclude": ["*_gen.go"], "tests": False, "thresholds": {"large_object_bytes": 4096},
        },
        "x.toml",
    )
    assert cfg.enable == {"GR101"} and cfg.disable == {"GR102"}
    assert cfg.severity == {"GR101": Severity.ERROR} and cfg.exclude == ("*_gen.go",)
    assert cfg.tests is False and cfg.large_object_bytes == 4096


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"enabel": []}, "unknown key 'enabel'"),
        ({"enable": "GR101"}, "enable must be a list of strings"),
        ({"disable": [1]}, "disable must be a list of strings"),
        ({"exclude": "x"}, "exclude must be a list of strings"),
        ({"tests": "no"}, "tests must be true or false"),
        ({"severity": "error"}, "severity must be a table"),
        ({"severity": {"GR101": "fatal"}}, "severity"),
        ({"thresholds": 3}, "thresholds must be a table"),
        ({"thresholds": {"huge": 1}}, "unknown threshold 'huge'"),
        ({"thresholds": {"large_object_bytes": 0}}, "positive integer"),
        ({"thresholds": {"large_object_bytes": True}}, "positive integer"),
    ],
)
def test_bad_values(data: dict[str, Any], message: str) -> None:
    with pytest.raises(UserError, match=message):
        from_mapping(data, "x.toml")


def test_bad_toml(work: str) -> None:
    write({"goretain.toml": "enable = [\n"})
    with pytest.raises(UserError, match="invalid TOML"):
        load_config()


def test_unknown_rule_in_config_is_a_usage_error(work: str, capsys: pytest.CaptureFixture[str]) -> None:
    write({"a.go": LEAKY, "goretain.toml": 'severity = { GR555 = "error" }\n'})
    assert main(["check", "."]) == 2
    assert "unknown rule GR555" in capsys.readouterr().err


# --- effect on a run ---------------------------------------------------------------------

def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[tuple[str, int, str, str]]]:
    code = main(["check", "-j1", "--format", "json", *args])
    doc = json.loads(capsys.readouterr().out)
    return code, [(f["path"], f["line"], f["rule"], f["severity"]) for f in doc["findings"]]


@pytest.mark.usefixtures("leaky_rule")
def test_enable_disable_severity(work: str, capsys: pytest.CaptureFixture[str]) -> None:
    write({"a.go": LEAKY, "goretain.toml": 'enable = ["GR990"]\nseverity = { GR990 = "error" }\n'})
    assert _run(capsys, ".") == (1, [("a.go", 6, "GR990", "error")])
    write({"goretain.toml": 'disable = ["GR990"]\n'})
    assert _run(capsys, ".") == (0, [])
    # --enable on the command line beats the config's enable list.
    write({"goretain.toml": 'enable = ["GR000"]\n'})
    assert _run(capsys, "--enable", "GR990", ".")[1] == [("a.go", 6, "GR990", "warning")]
    assert _run(capsys, ".") == (0, [])


@pytest.mark.usefixtures("leaky_rule")
def test_exclude_and_tests(work: str, capsys: pytest.CaptureFixture[str]) -> None:
    files = {"a.go": LEAKY, "gen/g.go": LEAKY, "b_gen.go": LEAKY.replace("func A", "func B").replace(
        "func leakyThing() {}\n", ""), "a_test.go": LEAKY.replace("func A", "func TestA").replace(
        "func leakyThing() {}\n", "")}
    write({**files, "goretain.toml": 'enable = ["GR990"]\nexclude = ["gen/*", "*_gen.go"]\n'})
    assert [(p, r) for p, _, r, _ in _run(capsys, "./...")[1]] == [("a.go", "GR990"), ("a_test.go", "GR990")]
    write({"goretain.toml": 'enable = ["GR990"]\nexclude = ["gen/*", "*_gen.go"]\ntests = false\n'})
    assert [p for p, _, _, _ in _run(capsys, "./...")[1]] == ["a.go"]


@pytest.mark.usefixtures("leaky_rule")
def test_thresholds_reach_the_rules(work: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[AnalysisOptions] = []
    real = check_cmd.analyse_all

    def spy(specs: Any, options: AnalysisOptions, jobs: int) -> Any:
        seen.append(options)
        return real(specs, options, jobs)

    monkeypatch.setattr(check_cmd, "analyse_all", spy)
    write({"a.go": LEAKY, "goretain.toml": 'enable = ["GR990"]\n[thresholds]\nlarge_object_bytes = 65536\n'})
    _run(capsys, "--no-cache", ".")
    assert seen and seen[0].context.large_object_bytes == 65536
    assert seen[0].rule_ids == ("GR000", "GR990")


@pytest.mark.usefixtures("leaky_rule")
def test_explicit_config_flag(work: str, capsys: pytest.CaptureFixture[str]) -> None:
    write({"a.go": LEAKY, "goretain.toml": 'disable = ["GR990"]\n', "other.toml": 'enable = ["GR990"]\n'})
    assert _run(capsys, ".")[0] == 0
    assert _run(capsys, "--config", "other.toml", ".")[0] == 1
