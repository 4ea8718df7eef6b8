"""``trend``: per-site growth statistics across snapshots, and a verdict per site.

Verdicts (for in-use memory, or blocked goroutines):

* ``leaking`` — grows steadily: significant monotonic trend (Mann-Kendall), a good
  linear fit, still growing in the most recent snapshots, by more than the floor;
* ``growing`` — went up by more than the floor, but not steadily enough to be sure;
* ``stable`` — a site that matters but does not trend up (a full cache, or churn:
  heavy allocation whose in-use memory returns to its baseline);
* ``noise`` — too small to say anything.

goroutineleak profiles (and ``(leaked)`` goroutines in text dumps) are already
proof: the runtime's GC found those goroutines blocked on objects nothing else can
reach, so each group is ``leaking`` with confidence 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from goretain.errors import UserError
from goretain.profile import goroutines
from goretain.profile.diff import check_comparable
from goretain.profile.model import Site, aggregate, compile_patterns, sample_mask
from goretain.profile.stats import linfit, mann_kendall
from goretain.profile.types import ALLOCS, GOROUTINE, GOROUTINELEAK, HEAP, Frame, Profile

LEAKING, GROWING, STABLE, NOISE = "leaking", "growing", "stable", "noise"
# `--fail-on X`: the verdicts that make trend and watch exit 1 (X or worse).
FAIL_ON: dict[str, frozenset[str]] = {
    "leaking": frozenset({LEAKING}), "growing": frozenset({LEAKING, GROWING}), "never": frozenset(),
}
VERDICTS = (LEAKING, GROWING, STABLE, NOISE)
ALPHA = 0.05


@dataclass
class SiteTrend:
    key: str
    frame: Frame | None
    values: list[int]
    verdict: str = NOISE
    confidence: float = 0.0
    slope: float = 0.0  # unit per minute
    objects: list[int] | None = None
    objects_slope: float | None = None
    alloc: list[int] | None = None
    alloc_slope: float | None = None
    r2: float = 0.0
    mk_s: int = 0
    mk_p: float = 1.0
    growth: int = 0
    share: float = 0.0
    notes: list[str] = field(default_factory=list)
    stack: tuple[Frame, ...] = ()
    # goroutine groups
    created_by: Frame | None = None
    state: str | None = None


@dataclass
class TrendResult:
    kind: str
    sample_type: str
    unit: str
    mode: str
    snapshots: list[Profile]
    minutes: list[float]
    totals: list[int]
    sites: list[SiteTrend]
    floor: float


def order_snapshots(profiles: list[Profile], interval: float | None) -> tuple[list[Profile], list[float]]:
    if interval is not None:
        if interval <= 0:
            raise UserError("--interval must be positive")
        return profiles, [i * interval / 60 for i in range(len(profiles))]
    if any(not p.time_nanos for p in profiles):
        missing = next(p for p in profiles if not p.time_nanos)
        raise UserError(f"{missing.source}: no timestamp; pass --interval SECONDS to order the snapshots")
    ordered = sorted(profiles, key=lambda p: p.time_nanos)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if a.time_nanos == b.time_nanos:
            raise UserError(
                f"{a.source} and {b.source} have the same timestamp; pass --interval SECONDS"
            )
    t0 = ordered[0].time_nanos
    return ordered, [(p.time_nanos - t0) / 60e9 for p in ordered]


def _series(tables: list) -> tuple[dict[str, Site], dict[str, list[int]]]:
    sites: dict[str, Site] = {}
    vals: dict[str, list[int]] = {}
    n = len(tables)
    for j, tab in enumerate(tables):
        for i in np.flatnonzero(tab.flat).tolist():
            s = tab.sites[i]
            sites.setdefault(s.key, s)
            vals.setdefault(s.key, [0] * n)[j] += int(tab.flat[i])
    return sites, vals


def classify(
    t: list[float], y: list[int], floor: float
) -> tuple[str, float, float, float, int, float, list[str]]:
    """(verdict, confidence, slope, r2, mk_s, mk_p, notes) for one series."""
    slope, _, r2 = linfit(t, [float(v) for v in y])
    s, p = mann_kendall(y)
    notes: list[str] = []
    growth = y[-1] - y[0]
    peak = max(y)
    k = max(3, (len(y) + 1) // 2)
    recent_slope, _, _ = linfit(t[-k:], [float(v) for v in y[-k:]])
    still_growing = recent_slope > 0 and y[-1] >= 0.9 * peak
    if growth >= floor and slope > 0:
        if p <= ALPHA and r2 >= 0.8 and still_growing:
            conf = (1 - p) * r2
            return LEAKING, conf, slope, r2, s, p, notes
        if not still_growing:
            notes.append("growth stopped in the recent snapshots (plateau)")
        elif p > ALPHA:
            notes.append(f"trend not significant (Mann-Kendall p={p:.3f} with {len(y)} snapshots)")
        elif r2 < 0.8:
            notes.append(f"irregular growth (r2={r2:.2f})")
        if p <= 0.25 or still_growing:
            return GROWING, (1 - p) * max(r2, 0.0), slope, r2, s, p, notes
    if peak - min(y) >= floor and y[-1] <= y[0] + floor:
        notes.append("returns to its baseline")
    spread = peak - min(y)
    if peak < floor and spread < floor:
        return NOISE, 0.5 + 0.5 * (1 - spread / floor), slope, r2, s, p, notes
    return STABLE, max(0.5, min(1.0, 2 * p)) if slope > 0 else 1.0, slope, r2, s, p, notes


def trend(
    profiles: list[Profile],
    sample_type: str | None = None,
    mode: str = "user",
    modules: Sequence[str] = (),
    focus: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    interval: float | None = None,
    min_growth: float | None = None,
    force: bool = False,
) -> TrendResult:
    if not profiles:
        raise UserError("trend needs snapshots")
    check_comparable(profiles, force)
    kind = profiles[0].kind
    if kind == GOROUTINELEAK:
        return _leak_trend(profiles, modules, interval)
    last = profiles[-1]
    if kind == GOROUTINE and len(profiles) < 3 and last.leaked is not None and last.leaked.any():
        # A text dump from Go >= 1.26's goroutineleak?debug=2 marks proven leaks.
        return _leak_trend(profiles, modules, interval, leaked_only=True)
    if len(profiles) < 3:
        raise UserError(f"trend needs at least three snapshots (got {len(profiles)}); use diff for two")
    ordered, minutes = order_snapshots(profiles, interval)
    if kind in (HEAP, ALLOCS):
        return _heap_trend(ordered, minutes, sample_type, mode, modules, focus, ignore, min_growth)
    if kind == GOROUTINE:
        return _goroutine_trend(ordered, minutes, modules, min_growth)
    raise UserError(f"trend works on heap and goroutine profiles, not {kind} profiles")


def _finish(sites: list[SiteTrend]) -> list[SiteTrend]:
    total_growth = sum(max(0, s.growth) for s in sites)
    for s in sites:
        s.share = max(0, s.growth) / total_growth if total_growth else 0.0
    rank = {v: i for i, v in enumerate(VERDICTS)}
    sites.sort(key=lambda s: (rank[s.verdict], -s.growth, -max(s.values), s.key))
    return sites


def _heap_trend(
    profiles: list[Profile],
    minutes: list[float],
    sample_type: str | None,
    mode: str,
    modules: Sequence[str],
    focus: Sequence[str] | None,
    ignore: Sequence[str] | None,
    min_growth: float | None,
) -> TrendResult:
    stype = sample_type or ("inuse_space" if "inuse_space" in profiles[0].type_names() else None)
    fpat, ipat = compile_patterns(focus, "--focus"), compile_patterns(ignore, "--ignore")
    masks = [sample_mask(p, fpat, ipat) for p in profiles]

    def tables(name: str | None) -> list:
        return [
            aggregate(p, p.type_index(name), mode, modules, m, with_cum=False)
            for p, m in zip(profiles, masks, strict=True)
        ]

    main = tables(stype)
    unit = main[0].unit
    sites, vals = _series(main)
    companions: dict[str, dict[str, list[int]]] = {}
    names = profiles[0].type_names()
    if main[0].sample_type == "inuse_space" and "inuse_objects" in names:
        companions["objects"] = _series(tables("inuse_objects"))[1]
    if "alloc_space" in names and main[0].sample_type != "alloc_space":
        companions["alloc"] = _series(tables("alloc_space"))[1]
    totals = [t.total for t in main]
    floor = float(min_growth) if min_growth is not None else max(
        float(1 << 16) if unit == "bytes" else 1.0, 0.005 * (sum(totals) / len(totals))
    )
    n = len(profiles)
    out = []
    for key, y in vals.items():
        verdict, conf, slope, r2, s, p, notes = classify(minutes, y, floor)
        st = SiteTrend(
            key, sites[key].frame, y, verdict, conf, slope, r2=r2, mk_s=s, mk_p=p,
            growth=y[-1] - y[0], notes=notes, stack=sites[key].stack,
        )
        obj = companions.get("objects", {}).get(key)
        if obj is not None:
            st.objects, st.objects_slope = obj, linfit(minutes, [float(v) for v in obj])[0]
        alloc = companions.get("alloc", {}).get(key)
        if alloc is not None:
            st.alloc, st.alloc_slope = alloc, linfit(minutes, [float(v) for v in alloc])[0]
            if verdict in (STABLE, NOISE) and alloc[-1] - alloc[0] > max(floor, 4 * max(y)):
                st.notes.append("churn: allocates heavily but its in-use memory does not grow")
        elif "alloc" in companions:
            st.alloc = [0] * n
        out.append(st)
    return TrendResult(
        profiles[0].kind, main[0].sample_type, unit, mode, profiles, minutes, totals, _finish(out), floor
    )


def _goroutine_trend(
    profiles: list[Profile], minutes: list[float], modules: Sequence[str], min_growth: float | None
) -> TrendResult:
    n = len(profiles)
    vals: dict[str, list[int]] = {}
    groups: dict[str, goroutines.Group] = {}
    totals = []
    for j, p in enumerate(profiles):
        gs, counts = goroutines.group(p, modules)
        totals.append(int(counts.sum()))
        for g, c in zip(gs, counts.tolist(), strict=True):
            groups.setdefault(g.key, g)
            vals.setdefault(g.key, [0] * n)[j] += c
    floor = float(min_growth) if min_growth is not None else max(3.0, 0.01 * (sum(totals) / n))
    out = []
    for key, y in vals.items():
        g = groups[key]
        verdict, conf, slope, r2, s, p, notes = classify(minutes, y, floor)
        if verdict in (LEAKING, GROWING) and not goroutines.is_blocked(g.state):
            notes.append(f"goroutines are {g.state}, not blocked")
            verdict = GROWING if verdict == LEAKING else verdict
        st = SiteTrend(
            key, g.blocked_at, y, verdict, conf, slope, r2=r2, mk_s=s, mk_p=p,
            growth=y[-1] - y[0], notes=notes, created_by=g.created_by, state=g.state,
        )
        out.append(st)
    last = profiles[-1]
    if last.leaked is not None and last.leaked.any():
        _mark_leaked(out, last, modules)
    return TrendResult(GOROUTINE, "goroutine", "count", "creation site", profiles, minutes, totals, _finish(out), floor)


def _mark_leaked(out: list[SiteTrend], last: Profile, modules: Sequence[str]) -> None:
    gs, counts = goroutines.group(last, modules, leaked_only=True)
    leaked = {g.key: c for g, c in zip(gs, counts.tolist(), strict=True)}
    for st in out:
        if leaked.get(st.key):
            st.verdict, st.confidence = LEAKING, 1.0
            st.notes.append(f"{leaked[st.key]} goroutines marked (leaked) by the runtime's leak detector")


def _leak_trend(
    profiles: list[Profile], modules: Sequence[str], interval: float | None, leaked_only: bool = False
) -> TrendResult:
    if len(profiles) > 1:
        ordered, minutes = order_snapshots(profiles, interval)
    else:
        ordered, minutes = profiles, [0.0]
    n = len(ordered)
    vals: dict[str, list[int]] = {}
    groups: dict[str, goroutines.Group] = {}
    totals = []
    for j, p in enumerate(ordered):
        gs, counts = goroutines.group(p, modules, leaked_only=leaked_only)
        totals.append(int(counts.sum()))
        for g, c in zip(gs, counts.tolist(), strict=True):
            groups.setdefault(g.key, g)
            vals.setdefault(g.key, [0] * n)[j] += c
    out = []
    for key, y in vals.items():
        g = groups[key]
        slope = linfit(minutes, [float(v) for v in y])[0] if n > 1 else 0.0
        leaking = y[-1] > 0
        st = SiteTrend(
            key, g.blocked_at, y, LEAKING if leaking else STABLE, 1.0 if leaking else 0.5, slope,
            growth=y[-1] - y[0] if n > 1 else y[-1],
            notes=["reported by the goroutineleak profile: the GC proved these goroutines can never run again"]
            if leaking else ["leaked goroutines seen earlier are gone in the last snapshot"],
            created_by=g.created_by, state=g.state,
        )
        out.append(st)
    return TrendResult(GOROUTINELEAK, "goroutineleak", "count", "creation site", ordered, minutes, totals, _finish(out), 0.0)
