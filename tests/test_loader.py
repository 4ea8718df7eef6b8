"""File discovery and go.mod parsing follow the go command's conventions."""

from __future__ import annotations

import os

import pytest

from goretain.errors import UserError
from goretain.source.gomod import find_module, parse_gomod
from goretain.source.loader import load


def _write(root: str, rel: str, content: str = "package p\n") -> str:
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(content)
    return path


@pytest.fixture()
def tree(tmp_path: object) -> str:
    root = str(tmp_path)
    _write(root, "go.mod", "module example.com/m\n\ngo 1.22.3\n")
    _write(root, "a.go")
    _write(root, "a_test.go")
    _write(root, "sub/b.go", "package sub\n")
    _write(root, "vendor/v/v.go", "package v\n")
    _write(root, "testdata/t.go", "package t\n")
    _write(root, ".hidden/h.go", "package h\n")
    _write(root, "_skip/s.go", "package s\n")
    _write(root, "notes.txt", "hi")
    return root


def _files(specs: list) -> set[str]:
    return {os.path.basename(f) for s in specs for f in s.files}


def test_recursive_pattern_skips_vendor_testdata_hidden(tree: str) -> None:
    specs = load([tree + "/..."])
    assert _files(specs) == {"a.go", "a_test.go", "b.go"}
    assert all(s.module and s.module.path == "example.com/m" for s in specs)


def test_no_tests_flag(tree: str) -> None:
    assert _files(load([tree + "/..."], include_tests=False)) == {"a.go", "b.go"}


def test_explicit_testdata_dir_is_taken(tree: str) -> None:
    specs = load([os.path.join(tree, "testdata")])
    assert _files(specs) == {"t.go"} and specs[0].explicit


def test_single_file_and_dir(tree: str) -> None:
    assert _files(load([os.path.join(tree, "sub", "b.go")])) == {"b.go"}
    assert _files(load([os.path.join(tree, "sub")])) == {"b.go"}


def test_import_path_pattern(tree: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree)
    find_module.cache_clear()
    assert _files(load(["example.com/m/sub"])) == {"b.go"}
    assert _files(load(["./..."])) == {"a.go", "a_test.go", "b.go"}


@pytest.mark.parametrize(
    ("pattern", "message"),
    [("nope/...", "no such file"), ("notes.txt", "not a Go file"), ("vendor", "no Go files")],
)
def test_bad_patterns(tree: str, pattern: str, message: str) -> None:
    target = pattern if pattern.startswith("nope") else os.path.join(tree, pattern)
    if pattern == "vendor":
        target = os.path.join(tree, "_skip", "..", "notes_dir")
        os.makedirs(target)
    with pytest.raises(UserError, match=message):
        load([target])


def test_gomod_parsing() -> None:
    text = "// comment\nmodule  example.com/x // trailing\n\ngo 1.21\ntoolchain go1.22.1\nrequire (\n\tgolang.org/x/y v1.0.0\n)\n"
    assert parse_gomod(text, "go.mod") == ("example.com/x", (1, 21))
    assert parse_gomod("module m\ngo 1.23rc1\n", "go.mod") == ("m", (1, 23))
    assert parse_gomod("module m\n", "go.mod") == ("m", None)


@pytest.mark.parametrize(
    "text",
    ["go 1.21\n", "module m\ngo one\n", "module m\nbogus x\n", "module m\nrequire (\n", "module\n"],
)
def test_malformed_gomod(text: str) -> None:
    with pytest.raises(UserError, match="go.mod"):
        parse_gomod(text, "go.mod")
