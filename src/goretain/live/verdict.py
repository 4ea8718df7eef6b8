"""A verdict per target from its snapshots: the trend code of ``goretain trend``, per kind.

* heap (``inuse_space`` after a GC): per-site growth statistics;
* goroutine: per creation/blocking-site counts;
* goroutineleak: goroutines the runtime's leak-detecting GC proved stuck forever.

The target's verdict is the worst site verdict of the three (``leaking`` >
``growing`` > ``stable``), or ``unknown`` while there are too few snapshots. Long
series are thinned to ``max_points`` evenly spaced snapshots (first and last kept):
the statistics need the shape, not every point.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np

from goretain.errors import UserError
from goretain.profile.trend import GROWING, LEAKING, STABLE, TrendResult, trend
from goretain.profile.types import Profile
from goretain.store import SeriesInfo, Store

UNKNOWN = "unknown"
KINDS = ("heap", "goroutine", "goroutineleak")
RANK = {LEAKING: 0, GROWING: 1, STABLE: 2, UNKNOWN: 3}


@dataclass(frozen=True)
class Options:
    mode: str = "user"
    modules: tuple[str, ...] = ()
    min_growth: float | None = None
    max_points: int = 240


@dataclass
class KindResult:
    kind: str
    snapshots: int
    result: TrendResult | None = None
    note: str | None = None


@dataclass
class Verdict:
    verdict: str
    kinds: dict[str, KindResult]
    heap_inuse: list[int] = field(default_factory=list)
    goroutines: list[int] = field(default_factory=list)
    minutes: list[float] = field(default_factory=list)

    def growing_sites(self, limit: int = 3) -> list[tuple[str, object]]:
        """(kind, SiteTrend) of the leaking/growing sites, worst first."""
        out = []
        for kind in KINDS:
            kr = self.kinds.get(kind)
            if kr and kr.result:
                out += [(kind, s) for s in kr.result.sites if s.verdict in (LEAKING, GROWING)]
        out.sort(key=lambda ks: (RANK[ks[1].verdict], -ks[1].confidence, ks[0] != "heap"))  # type: ignore[attr-defined]
        return out[:limit] if limit > 0 else out


T = TypeVar("T")


def thin(items: Sequence[T], max_points: int) -> list[T]:
    n = len(items)
    if max_points <= 0 or n <= max_points:
        return list(items)
    idx = sorted(set(np.linspace(0, n - 1, max_points).round().astype(int).tolist()))
    return [items[i] for i in idx]


def analyse(profiles: dict[str, list[Profile]], opts: Options) -> Verdict:
    kinds: dict[str, KindResult] = {}
    for kind in KINDS:
        ps = thin(profiles.get(kind, []), opts.max_points)
        kr = KindResult(kind, len(profiles.get(kind, [])))
        need = 1 if kind == "goroutineleak" else 3
        if len(ps) < need:
            kr.note = f"{len(ps)} snapshot(s); a verdict needs {need}"
        else:
            try:
                kr.result = trend(
                    ps, "inuse_space" if kind == "heap" else None, opts.mode, opts.modules,
                    min_growth=opts.min_growth, force=True,
                )
            except UserError as exc:
                kr.note = str(exc)
        kinds[kind] = kr
    verdict = UNKNOWN
    for kr in kinds.values():
        if kr.result is None:
            continue
        for s in kr.result.sites:
            if RANK[s.verdict if s.verdict in RANK else STABLE] < RANK[verdict]:
                verdict = s.verdict if s.verdict in RANK else STABLE
        if verdict == UNKNOWN and kr.kind != "goroutineleak":
            verdict = STABLE
    heap = profiles.get("heap", [])
    gor = profiles.get("goroutine", [])
    out = Verdict(verdict, kinds)
    if heap:
        t0 = heap[0].time_nanos
        out.heap_inuse = [_inuse(p) for p in heap]
        out.minutes = [(p.time_nanos - t0) / 60e9 for p in heap]
    out.goroutines = [int(p.values[:, 0].sum()) if p.n_samples else 0 for p in gor]
    return out


def _inuse(p: Profile) -> int:
    names = p.type_names()
    if "inuse_space" not in names or not p.n_samples:
        return 0
    return int(p.values[:, names.index("inuse_space")].sum())


def load_series(
    store: Store, series: SeriesInfo, since_ns: int = 0, max_points: int = 240
) -> dict[str, list[Profile]]:
    """The stored profiles of a series, thinned before they are decoded."""
    return {
        kind: store.load(thin(store.profile_rows(series.id, kind, since_ns), max_points), series.target)
        for kind in KINDS
    }
