"""Small statistics for short series: least squares, Mann-Kendall trend test."""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence


def linfit(t: Sequence[float], y: Sequence[float]) -> tuple[float, float, float]:
    """(slope, intercept, r^2) of the least-squares line; r^2 = 1 for a flat exact fit."""
    n = len(t)
    mt, my = sum(t) / n, sum(y) / n
    stt = sum((a - mt) ** 2 for a in t)
    sty = sum((a - mt) * (b - my) for a, b in zip(t, y, strict=True))
    syy = sum((b - my) ** 2 for b in y)
    if stt == 0:
        return 0.0, my, 0.0
    slope = sty / stt
    if syy == 0:
        return slope, my - slope * mt, 1.0
    return slope, my - slope * mt, (sty * sty) / (stt * syy)


@functools.lru_cache(maxsize=64)
def _inversions_distribution(n: int) -> tuple[int, ...]:
    """Number of permutations of n items with k inversions (Mahonian numbers)."""
    dist = [1]
    for m in range(2, n + 1):
        new = [0] * (len(dist) + m - 1)
        for k, c in enumerate(dist):
            for j in range(m):
                new[k + j] += c
        dist = new
    return tuple(dist)


def mann_kendall(y: Sequence[float]) -> tuple[int, float]:
    """Mann-Kendall S and the one-sided p-value for an increasing trend.

    Exact (permutation distribution) without ties for n <= 12, else the normal
    approximation with the tie correction and continuity correction.
    """
    n = len(y)
    s = 0
    for i in range(n):
        for j in range(i + 1, n):
            d = y[j] - y[i]
            s += (d > 0) - (d < 0)
    if n < 2:
        return s, 1.0
    ties = len(set(y)) < n
    if not ties and n <= 12:
        dist = _inversions_distribution(n)
        total = math.factorial(n)
        # S = pairs - 2 * inversions  ->  S >= s  <=>  inversions <= (pairs - s) / 2
        pairs = n * (n - 1) // 2
        kmax = (pairs - s) // 2
        return s, sum(dist[: kmax + 1]) / total
    groups: dict[float, int] = {}
    for v in y:
        groups[v] = groups.get(v, 0) + 1
    var = (n * (n - 1) * (2 * n + 5) - sum(g * (g - 1) * (2 * g + 5) for g in groups.values())) / 18
    if var <= 0:
        return s, 1.0
    z = (s - 1) / math.sqrt(var) if s > 0 else (s + 1) / math.sqrt(var) if s < 0 else 0.0
    return s, 0.5 * math.erfc(z / math.sqrt(2))
