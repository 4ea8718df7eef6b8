"""The immutable finding record shared by every rule and every reporter."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


class Confidence(str, Enum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(frozen=True, order=True)
class Location:
    """A source span. Lines and columns are 1-based; columns count bytes."""

    path: str
    line: int
    column: int
    end_line: int = 0
    end_column: int = 0


@dataclass(frozen=True)
class Related:
    location: Location
    message: str


@dataclass(frozen=True)
class Finding:
    rule: str
    category: str
    severity: Severity
    confidence: Confidence
    location: Location
    message: str
    fix: str = ""
    related: tuple[Related, ...] = ()
    # What the finding is about (e.g. "pkg.sessions"): keeps fingerprints stable
    # when unrelated lines move.
    symbol: str = ""
    # Normalised source text of the flagged construct, also part of the fingerprint.
    snippet: str = ""
    fingerprint: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.fingerprint:
            object.__setattr__(self, "fingerprint", compute_fingerprint(self))

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.rule)

    def with_changes(self, **changes: object) -> Finding:
        """A copy with fields replaced; the fingerprint is recomputed when it depends on them."""
        if "fingerprint" not in changes:
            changes["fingerprint"] = ""
        return replace(self, **changes)  # type: ignore[arg-type]


def compute_fingerprint(f: Finding) -> str:
    # Path is included (two files can hold the same code) but not line numbers,
    # so a baseline survives edits elsewhere in the file.
    norm = " ".join(f.snippet.split())
    key = "\x00".join((f.rule, f.location.path, f.symbol, norm))
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:20]


@dataclass(frozen=True)
class InputError:
    """A file that could not be analysed (syntax error, unreadable, not UTF-8)."""

    path: str
    message: str
    line: int = 0
