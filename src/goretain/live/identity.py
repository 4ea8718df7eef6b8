"""Is this the same process as last time? A restart starts a new series.

A process is known by its command line (``/debug/vars`` or ``/debug/pprof/cmdline``),
its main binary (name and build ID from the heap profile's first mapping) and
counters that only ever grow while it lives: the heap profile's cumulative
``alloc_objects``/``alloc_space`` and, with expvar, ``NumGC``, ``TotalAlloc`` and
``Mallocs``. A different command line or binary, or any counter going down, means a
new process. (A restarted process whose counters already passed the old ones, with
the same command line and binary, cannot be told apart: it continues the series.)
"""

from __future__ import annotations

from typing import Any

from goretain.live.scrape import Scrape

# Sampled heap counters are estimates: allow a little jitter before calling it a drop.
_SAMPLED_SLACK = 0.9
_EXACT = ("NumGC", "TotalAlloc", "Mallocs")


def mark_of(s: Scrape) -> dict[str, Any]:
    counters: dict[str, int] = {}
    binary = build_id = None
    heap = s.profiles.get("heap")
    if heap is not None:
        prof = heap[0]
        names = prof.type_names()
        for name in ("alloc_objects", "alloc_space"):
            if name in names:
                counters[name] = int(prof.values[:, names.index(name)].sum())
        main = prof.main_binary()
        if main is not None:
            binary = main.filename.rsplit("/", 1)[-1] or None
            build_id = main.build_id or None
    for k in _EXACT:
        if s.memstats and isinstance(s.memstats.get(k), int):
            counters[k] = int(s.memstats[k])
    return {"cmdline": s.cmdline, "binary": binary, "build_id": build_id, "counters": counters}


def restart_reason(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """Why ``new`` is another process than ``old``, or None if it may be the same."""
    if old.get("cmdline") and new.get("cmdline") and old["cmdline"] != new["cmdline"]:
        return "command line changed"
    if old.get("build_id") and new.get("build_id") and old["build_id"] != new["build_id"]:
        return "binary changed (build ID)"
    if old.get("binary") and new.get("binary") and old["binary"] != new["binary"]:
        return "binary changed"
    oc, nc = old.get("counters", {}), new.get("counters", {})
    for k in _EXACT:
        if k in oc and k in nc and nc[k] < oc[k]:
            return f"{k} went down ({oc[k]} -> {nc[k]})"
    for k in ("alloc_objects", "alloc_space"):
        if k in oc and k in nc and nc[k] < _SAMPLED_SLACK * oc[k]:
            return f"cumulative {k} went down ({oc[k]} -> {nc[k]})"
    return None


def merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The mark to keep: the newest value of everything seen in this process."""
    out = dict(old)
    for k in ("cmdline", "binary", "build_id"):
        if new.get(k):
            out[k] = new[k]
    out["counters"] = {**old.get("counters", {}), **new.get("counters", {})}
    return out
