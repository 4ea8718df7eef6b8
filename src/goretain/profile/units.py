"""Human formatting of profile values by unit."""

from __future__ import annotations

_BYTES = (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10))
_NANOS = (("s", 10**9), ("ms", 10**6), ("us", 10**3))


def fmt(value: float, unit: str, signed: bool = False) -> str:
    sign = "+" if signed and value > 0 else ""
    if unit == "bytes":
        for name, size in _BYTES:
            if abs(value) >= size:
                return f"{sign}{value / size:.2f}{name}"
        return f"{sign}{value:.0f}B"
    if unit == "nanoseconds":
        for name, size in _NANOS:
            if abs(value) >= size:
                return f"{sign}{value / size:.2f}{name}"
        return f"{sign}{value:.0f}ns"
    if float(value).is_integer():
        return f"{sign}{int(value)}"
    return f"{sign}{value:.2f}"


def pct(part: float, whole: float) -> float:
    return 100.0 * part / whole if whole else 0.0
