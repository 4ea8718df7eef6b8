"""`goretain why` results as one JSON document, and its text rendering (pure functions)."""

from __future__ import annotations

from typing import Any

from goretain import __version__
from goretain.heapdump.analysis import Analysis
from goretain.profile.units import fmt

SCHEMA_VERSION = 1


def build(a: Analysis, limit: int, suspect_pct: float, site: str | None, address: int | None) -> dict[str, Any]:
    d = a.dump
    doc: dict[str, Any] = {
        "version": SCHEMA_VERSION, "tool": "goretain", "tool_version": __version__,
        "dump": {"path": d.path, "bytes": d.file_size, "go_version": d.params.go_version,
                 "goarch": d.params.goarch},
        "binary": {"naming": a.sym.status, "note": a.sym.note or None, "load_bias": a.sym.bias},
        "heap": a.summary(),
        "timings_s": {k: round(v, 3) for k, v in a.timings.items()},
    }
    if site is not None:
        doc["site"] = a.site_paths(site)
    elif address is not None:
        doc["address"] = a.object_report(address)
    else:
        doc["top_retainers"] = a.top_retainers(limit)
        doc["suspects"] = a.suspects(suspect_pct)
        doc["suspect_threshold_pct"] = suspect_pct
    return doc


def _b(n: int) -> str:
    return fmt(n, "bytes")


def _node(d: dict[str, Any]) -> str:
    if d["kind"] == "root":
        return f"{d['name']}"
    if d["kind"] == "elided":
        return f"... {d['hops']} more hops ..."
    s = d.get("site")
    where = f"{s['label']}" + (f" (via {s['via']})" if s and s.get("via") else "") if s else "site unknown"
    return f"object {d['address']} {_b(d['size'])} from {where}"


def _retained(d: dict[str, Any]) -> str:
    return f"retains {_b(d['retained_bytes'])} in {d['retained_objects']} objects"


def _groups(lines: list[str], groups: list[dict[str, Any]], indent: str) -> None:
    for gr in groups:
        s = gr["site"]
        label = s["label"] + (f" (via {s['via']})" if s.get("via") else "") if s else "site unknown (not sampled)"
        lines.append(f"{indent}{gr['objects']:>8} objects {_b(gr['bytes']):>10}  {label}")


def _path(lines: list[str], steps: list[dict[str, Any]], indent: str) -> None:
    for i, st in enumerate(steps):
        held = f"  [{st['held_by']}]" if st.get("held_by") else ""
        lines.append(f"{indent}{'-> ' if i else ''}{_node(st)}{held}")


def text(doc: dict[str, Any]) -> str:
    h = doc["heap"]
    lines = [
        f"heap dump {doc['dump']['path']} ({doc['dump']['go_version']}, {doc['dump']['goarch']})",
        f"  {h['reachable_objects']} reachable objects, {_b(h['reachable_bytes'])}; "
        f"MemStats.HeapAlloc {_b(h['heap_alloc'])} ({h['reachable_vs_heap_alloc_pct']:+.2f}%)"
        if h["heap_alloc"] else f"  {h['reachable_objects']} reachable objects, {_b(h['reachable_bytes'])}",
        f"  not reachable from any root (garbage or dump artefacts, never counted as retained): "
        f"{h['unreachable_objects']} objects, {_b(h['unreachable_bytes'])}",
        f"  allocation sites known for {h['site_attributed_pct']}% of reachable bytes"
        + ("" if h["site_attributed_pct"] > 90 else
           " (run with GODEBUG=memprofilerate=1 and link runtime/pprof for more)"),
        "  roots: " + ", ".join(f"{n} {k}" for k, n in h["roots"].items()),
    ]
    if doc["binary"]["note"]:
        lines.append(f"  note: {doc['binary']['note']}")
    lines.append("")
    if "top_retainers" in doc:
        _text_retainers(lines, doc)
    if "site" in doc:
        _text_site(lines, doc["site"])
    if "address" in doc:
        _text_address(lines, doc["address"])
    return "\n".join(lines).rstrip() + "\n"


def _text_retainers(lines: list[str], doc: dict[str, Any]) -> None:
    lines.append("top retainers (roots by retained bytes):")
    for i, r in enumerate(doc["top_retainers"], 1):
        lines.append(f"{i:>3}. {r['name']}  {_retained(r)} ({r['share_pct']}%)")
        det = r.get("detail") or {}
        if r["root_kind"] == "goroutine":
            lines.append(f"       {det['status']} ({det['wait_reason']}), created by {det['created_by']}")
        path = r["accumulation_path"]
        if len(path) > 1:
            lines.append("       dominator path to the accumulation point:")
            _path(lines, path[1:], "         ")
        lines.append("       grouped by allocation site:")
        _groups(lines, r["by_site"], "         ")
    lines.append("")
    sus = doc["suspects"]
    if not sus:
        lines.append(f"no leak suspects (nothing retains {doc['suspect_threshold_pct']}% of the heap or more)")
        return
    lines.append(f"leak suspects (retaining at least {doc['suspect_threshold_pct']}% of the reachable heap):")
    for i, s in enumerate(sus, 1):
        pt = s["accumulation_point"]
        lines.append(f"  suspect {i}: {_node(s)} {_retained(s)} ({s['share_pct']}% of the heap)")
        lines.append(f"    accumulation point: {_node(pt)}, {_retained(pt)}")
        lines.append("    shortest path from a root:")
        _path(lines, s["path_to_accumulation_point"], "      ")
        lines.append("    there:")
        _groups(lines, s["by_site"], "      ")


def _text_site(lines: list[str], s: dict[str, Any]) -> None:
    lines.append(f"objects allocated at sites matching {s['pattern']!r}: {s['objects']} objects, "
                 f"{_b(s['bytes'])} ({s['reachable_objects']} reachable, {_b(s['reachable_bytes'])})")
    for site in s["sites"][:10]:
        lines.append(f"  site {site['label']}" + (f" (via {site['via']})" if site.get("via") else ""))
    for p in s["paths"]:
        lines.append(f"  ~{p['objects']} objects held by {p['root'] or 'no named root'}, e.g.:")
        _path(lines, p["example"], "    ")


def _text_address(lines: list[str], a: dict[str, Any]) -> None:
    o = a["object"]
    lines.append(f"{_node(o)}: {_retained(o)}")
    if not a["reachable"]:
        lines.append(f"  {a['note']}")
        return
    lines.append("  shortest path from a root:")
    _path(lines, a["shortest_path"], "    ")
    lines.append("  dominators (nearest first):")
    for d in a["dominators"]:
        lines.append(f"    {_node(d)}  {_retained(d)}")
    lines.append("  it dominates, by allocation site:")
    _groups(lines, a["by_site"], "    ")
