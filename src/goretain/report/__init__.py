"""Reporters: pure functions from a CheckResult to text on a stream."""

from __future__ import annotations

import importlib
from typing import TextIO

from goretain.report.model import CheckResult

_MODULES = {"text": "text", "json": "json_report", "sarif": "sarif", "github": "github"}


def render(fmt: str, result: CheckResult, out: TextIO, color: bool = False) -> None:
    mod = importlib.import_module(f"goretain.report.{_MODULES[fmt]}")
    mod.render(result, out, color)
