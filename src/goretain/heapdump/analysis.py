"""The questions `goretain why` answers, over one analysed dump (no rendering here)."""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from goretain.errors import UserError
from goretain.heapdump import dominators, graph, reader, roots, sites, traverse
from goretain.heapdump.records import HeapDump

# Descend the dominator tree while one child keeps this share of its parent.
ACCUMULATION_SHARE = 0.8
MAX_PATH = 40  # hops shown before the middle of a long path is elided


@dataclass
class Analysis:
    dump: HeapDump
    sym: roots.Symbolizer
    g: graph.Graph
    dom: dominators.DomTree
    sites: sites.Sites
    parent: np.ndarray  # BFS parent per node: shortest paths from the roots
    timings: dict[str, float] = field(default_factory=dict)
    _pre: np.ndarray | None = None
    _by_pre: np.ndarray | None = None
    _kids: tuple[np.ndarray, np.ndarray] | None = None

    # -- per node ----------------------------------------------------------------------

    def retained(self, node: int) -> int:
        r = int(self.dom.rank[node])
        return int(self.dom.retained[r]) if r >= 0 else 0

    def retained_objects(self, node: int) -> int:
        r = int(self.dom.rank[node])
        if r < 0:
            return 0
        n = int(self.dom.count[r])
        return n if node < self.g.n_obj else n - 1

    def site_of(self, node: int) -> sites.Site | None:
        if node >= self.g.n_obj:
            return None
        i = int(self.sites.obj_site[node])
        return self.sites.sites[i] if i >= 0 else None

    def describe(self, node: int) -> dict[str, Any]:
        g = self.g
        if node == g.super_root:
            return {"kind": "super-root"}
        if g.is_root(node):
            r = g.root(node)
            return {"kind": "root", "root_kind": r.kind, "name": r.name,
                    "retained_bytes": self.retained(node), "retained_objects": self.retained_objects(node)}
        s = self.site_of(node)
        return {
            "kind": "object", "address": f"{int(g.addr[node]):#x}", "size": int(g.size[node]),
            "retained_bytes": self.retained(node), "retained_objects": self.retained_objects(node),
            "site": _site_json(s),
        }

    # -- summary -----------------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        g, dom = self.g, self.dom
        n = g.n_obj
        reach = dom.order[dom.order < n]
        total = int(g.size[:n].sum())
        reach_bytes = int(g.size[reach].sum())
        heap_alloc = int(self.dump.memstats.get("HeapAlloc", 0))
        attributed = int(g.size[reach][self.sites.obj_site[reach] >= 0].sum())
        kinds = Counter(r.kind for r in g.roots)
        return {
            "objects": n, "bytes": total,
            "reachable_objects": int(reach.size), "reachable_bytes": reach_bytes,
            "unreachable_objects": n - int(reach.size), "unreachable_bytes": total - reach_bytes,
            "heap_alloc": heap_alloc,
            "reachable_vs_heap_alloc_pct": round(100.0 * (reach_bytes - heap_alloc) / heap_alloc, 3) if heap_alloc else None,
            "site_attributed_bytes": attributed,
            "site_attributed_pct": round(100.0 * attributed / reach_bytes, 1) if reach_bytes else 0.0,
            "roots": dict(sorted(kinds.items())),
            "dominator_passes": dom.passes, "join_nodes": dom.join_nodes,
        }

    # -- top retainers and suspects ----------------------------------------------------

    def accumulation(self, node: int) -> list[int]:
        """Dominator-tree path from ``node`` down to where its retained memory spreads out."""
        dom = self.dom
        indptr, kids = self._children()
        path = [node]
        r = int(dom.rank[node])
        while True:
            ch = kids[indptr[r]: indptr[r + 1]]
            if ch.size == 0:
                break
            best = int(ch[np.argmax(dom.retained[ch])])
            if dom.retained[best] < ACCUMULATION_SHARE * dom.retained[r] or dom.retained[r] == 0:
                break
            r = best
            path.append(int(dom.order[r]))
        return path

    def _children(self) -> tuple[np.ndarray, np.ndarray]:
        if self._kids is None:
            self._kids = self.dom.children_index()
        return self._kids

    def subtree_by_site(self, node: int, limit: int = 5) -> list[dict[str, Any]]:
        """Objects dominated by ``node``, grouped by allocation site, biggest first."""
        if self._pre is None:
            self._pre = self.dom.preorder()
            self._by_pre = np.empty_like(self._pre)
            self._by_pre[self._pre] = np.arange(self._pre.size)
        assert self._by_pre is not None
        r = int(self.dom.rank[node])
        p = int(self._pre[r])
        members = self.dom.order[self._by_pre[p: p + int(self.dom.count[r])]]
        members = members[members < self.g.n_obj]
        site = self.sites.obj_site[members].astype(np.int64) + 1  # 0 = unattributed
        nbytes = np.bincount(site, weights=self.g.size[members], minlength=len(self.sites.sites) + 1)
        counts = np.bincount(site, minlength=len(self.sites.sites) + 1)
        out = []
        for i in np.argsort(-nbytes, kind="stable")[:limit].tolist():
            if counts[i] == 0:
                break
            s = self.sites.sites[i - 1] if i else None
            out.append({"site": _site_json(s), "objects": int(counts[i]), "bytes": int(nbytes[i])})
        return out

    def retainer(self, node: int) -> dict[str, Any]:
        path = self.accumulation(node)
        point = path[-1]
        return {
            **self.describe(node),
            "share_pct": self._share(node),
            "detail": self.g.root(node).detail if self.g.is_root(node) else {},
            "accumulation_path": [self.describe(n) for n in path],
            "accumulation_point": self.describe(point),
            "by_site": self.subtree_by_site(point),
        }

    def _share(self, node: int) -> float:
        total = int(self.dom.retained[0])
        return round(100.0 * self.retained(node) / total, 2) if total else 0.0

    def top_retainers(self, limit: int) -> list[dict[str, Any]]:
        g = self.g
        nodes = np.arange(g.n_obj, g.super_root)
        ret = np.array([self.retained(int(n)) for n in nodes], dtype=np.int64)
        best = nodes[np.argsort(-ret, kind="stable")][:limit]
        return [self.retainer(int(n)) for n in best if self.retained(int(n)) > 0]

    def suspects(self, share_pct: float) -> list[dict[str, Any]]:
        """MAT-style: dominator-tree children of the super-root retaining >= share_pct."""
        dom = self.dom
        total = int(dom.retained[0])
        indptr, kids = self._children()
        top = kids[indptr[0]: indptr[1]]
        big = top[dom.retained[top] >= share_pct / 100.0 * total] if total else top[:0]
        big = big[np.argsort(-dom.retained[big], kind="stable")]
        out = []
        for r in big.tolist():
            node = int(dom.order[r])
            item = self.retainer(node)
            item["path_to_accumulation_point"] = self.shortest_path(self.accumulation(node)[-1])
            out.append(item)
        return out

    # -- paths -------------------------------------------------------------------------

    def shortest_path(self, node: int) -> list[dict[str, Any]]:
        """Root -> ... -> node along BFS parents (a shortest path), long middles elided."""
        parent = self.parent
        chain = [node]
        while True:
            p = int(parent[chain[-1]])
            if p < 0 or p == chain[-1] or p == self.g.super_root:
                break
            chain.append(p)
        chain.reverse()
        steps: list[dict[str, Any]] = []
        for i, n in enumerate(chain):
            if len(chain) > MAX_PATH and MAX_PATH // 2 <= i < len(chain) - MAX_PATH // 2:
                if i == MAX_PATH // 2:
                    steps.append({"kind": "elided", "hops": len(chain) - MAX_PATH})
                continue
            d = self.describe(n)
            if i == 1 and self.g.is_root(chain[0]):
                d["held_by"] = self.g.root_edge_label.get((chain[0], n), "")
            steps.append(d)
        return steps

    def site_paths(self, pattern: str, limit: int = 3) -> dict[str, Any]:
        try:
            rx = re.compile(pattern)
        except re.error as exc:
            raise UserError(f"--site: bad regular expression {pattern!r}: {exc}") from None
        ids = [i for i, s in enumerate(self.sites.sites) if rx.search(s.text)]
        objs = np.flatnonzero(np.isin(self.sites.obj_site, np.asarray(ids, dtype=np.int32)))
        reach = objs[self.dom.rank[objs] >= 0]
        out: dict[str, Any] = {
            "pattern": pattern,
            "sites": [_site_json(self.sites.sites[i]) for i in ids],
            "objects": int(objs.size), "bytes": int(self.g.size[objs].sum()),
            "reachable_objects": int(reach.size), "reachable_bytes": int(self.g.size[reach].sum()),
            "paths": [],
        }
        # Group by the shape of the shortest path: its root and the sites along it.
        sample = reach[:: max(1, reach.size // 2000)] if reach.size else reach
        groups: dict[tuple[Any, ...], list[int]] = {}
        for o in sample.tolist():
            key = self._path_key(o)
            groups.setdefault(key, []).append(o)
        scale = reach.size / sample.size if sample.size else 0
        for key, members in sorted(groups.items(), key=lambda kv: -len(kv[1]))[:limit]:
            out["paths"].append({
                "root": key[0], "objects": round(len(members) * scale),
                "example": self.shortest_path(members[0]),
            })
        return out

    def _path_key(self, node: int) -> tuple[Any, ...]:
        parent = self.parent
        key: list[Any] = []
        cur = node
        hops = 0
        while True:
            p = int(parent[cur])
            if p < 0 or p == cur or p == self.g.super_root:
                break
            cur = p
            hops += 1
            if hops > 10_000:
                break
            if cur < self.g.n_obj:
                s = self.site_of(cur)
                key.append(s.label if s else None)
        root = self.g.root(cur).name if self.g.is_root(cur) else None
        return (root, *reversed(key))

    def object_report(self, address: int) -> dict[str, Any]:
        node = self.g.find(address)
        if node is None:
            raise UserError(f"--address {address:#x}: no object in the dump contains this address")
        reachable = bool(self.dom.rank[node] >= 0)
        out: dict[str, Any] = {"object": self.describe(node), "reachable": reachable}
        if not reachable:
            out["note"] = ("reachable from no root: garbage left by the last GC, or a dump artefact "
                           "(span-tail slot)")
            return out
        out["shortest_path"] = self.shortest_path(node)
        chain = []
        r = int(self.dom.rank[node])
        while r != 0:
            r = int(self.dom.idom[r])
            if r == 0:
                break
            chain.append(self.describe(int(self.dom.order[r])))
        out["dominators"] = chain
        out["by_site"] = self.subtree_by_site(node)
        return out


def _site_json(s: sites.Site | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {"function": s.function, "file": s.file, "line": s.line, "via": s.via or None, "label": s.label}


def analyse(dump_path: str, binary: str | None) -> Analysis:
    t = time.perf_counter()
    timings: dict[str, float] = {}
    dump = reader.load(dump_path)
    timings["parse"] = time.perf_counter() - t
    t = time.perf_counter()
    sym = roots.Symbolizer(dump, binary)
    rts = roots.collect(dump, sym)
    g = graph.build(dump.objects, rts)
    order, parent = traverse.bfs(g.indptr, g.indices, g.super_root)
    timings["graph+reachability"] = time.perf_counter() - t
    t = time.perf_counter()
    dom = dominators.compute(g.indptr, g.indices, g.size, g.super_root)
    timings["dominators"] = time.perf_counter() - t
    st = sites.attribute(dump, g.addr)
    return Analysis(dump, sym, g, dom, st, parent, timings)
