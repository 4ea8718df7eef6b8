"""Durations on the command line: ``10``, ``500ms``, ``10s``, ``5m``, ``1h``, ``1d``."""

from __future__ import annotations

import re

from goretain.errors import UserError

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "": 1.0}
_RE = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*(ms|s|m|h|d)?\s*$")


def seconds(text: str, flag: str) -> float:
    """Seconds in ``text``; a bare number is seconds."""
    m = _RE.match(text)
    if not m:
        raise UserError(f"{flag}: {text!r} is not a duration (e.g. 500ms, 10s, 5m, 1h)")
    value = float(m.group(1)) * _UNITS[m.group(2) or ""]
    if value <= 0:
        raise UserError(f"{flag}: must be positive")
    return value
