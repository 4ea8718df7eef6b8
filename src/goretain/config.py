"""`goretain.toml` or `[tool.goretain]` in pyproject.toml.

Every key is checked: a typo is an error, not a silently ignored setting.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Any

from goretain.errors import UserError
from goretain.findings import Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_KEYS = {"enable", "disable", "severity", "exclude", "tests", "thresholds"}
_THRESHOLDS = {"large_object_bytes"}


@dataclass(frozen=True)
class Config:
    source: str = ""  # file it came from, "" for defaults
    enable: frozenset[str] | None = None  # None: every rule
    disable: frozenset[str] = frozenset()
    severity: dict[str, Severity] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    tests: bool = True
    large_object_bytes: int = 1024


def _str_list(value: Any, key: str, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UserError(f"{where}: {key} must be a list of strings")
    return value


def from_mapping(data: dict[str, Any], where: str) -> Config:
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise UserError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})")
    kw: dict[str, Any] = {"source": where}
    if "enable" in data:
        kw["enable"] = frozenset(_str_list(data["enable"], "enable", where))
    if "disable" in data:
        kw["disable"] = frozenset(_str_list(data["disable"], "disable", where))
    if "exclude" in data:
        kw["exclude"] = tuple(_str_list(data["exclude"], "exclude", where))
    if "tests" in data:
        if not isinstance(data["tests"], bool):
            raise UserError(f"{where}: tests must be true or false")
        kw["tests"] = data["tests"]
    if "severity" in data:
        sev = data["severity"]
        if not isinstance(sev, dict):
            raise UserError(f"{where}: severity must be a table of RULE = \"error|warning|note\"")
        try:
            kw["severity"] = {k: Severity(v) for k, v in sev.items()}
        except ValueError as exc:
            raise UserError(f"{where}: severity: {exc}") from exc
    if "thresholds" in data:
        th = data["thresholds"]
        if not isinstance(th, dict):
            raise UserError(f"{where}: thresholds must be a table")
        bad = sorted(set(th) - _THRESHOLDS)
        if bad:
            raise UserError(f"{where}: unknown threshold {bad[0]!r} (known: {', '.join(sorted(_THRESHOLDS))})")
        if "large_object_bytes" in th:
            v = th["large_object_bytes"]
            if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
                raise UserError(f"{where}: thresholds.large_object_bytes must be a positive integer")
            kw["large_object_bytes"] = v
    return Config(**kw)


def _read_toml(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise UserError(f"cannot read config {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{path}: invalid TOML: {exc}") from exc


def load_config(explicit: str | None = None, start: str = ".") -> Config:
    """The explicit file, else the nearest goretain.toml / pyproject.toml with [tool.goretain]."""
    if explicit:
        data = _read_toml(explicit)
        if os.path.basename(explicit) == "pyproject.toml":
            data = data.get("tool", {}).get("goretain", {})
        return from_mapping(data, explicit)
    d = os.path.abspath(start)
    while True:
        cand = os.path.join(d, "goretain.toml")
        if os.path.isfile(cand):
            return from_mapping(_read_toml(cand), cand)
        pyproject = os.path.join(d, "pyproject.toml")
        if os.path.isfile(pyproject):
            section = _read_toml(pyproject).get("tool", {}).get("goretain")
            if section is not None:
                return from_mapping(section, pyproject + " [tool.goretain]")
        parent = os.path.dirname(d)
        if parent == d:
            return Config()
        d = parent
