"""The object graph: objects, root pseudo-nodes and a super-root, as CSR numpy arrays.

Node ids: objects 0..n_obj-1 (sorted by address), roots n_obj..n_obj+n_root-1, then
the super-root. Every pointer, interior ones included, is resolved to the object that
contains the address it holds; pointers outside the heap are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from goretain.heapdump.records import Objects
from goretain.heapdump.roots import Root


@dataclass
class Graph:
    n_obj: int
    roots: list[Root]
    addr: np.ndarray  # uint64, per object
    size: np.ndarray  # int64, per node (0 for roots and the super-root)
    indptr: np.ndarray  # int64, n_nodes + 1
    indices: np.ndarray  # int32/int64 out-neighbours
    root_edge_label: dict[tuple[int, int], str]

    @property
    def n_nodes(self) -> int:
        return self.n_obj + len(self.roots) + 1

    @property
    def super_root(self) -> int:
        return self.n_obj + len(self.roots)

    def is_root(self, node: int) -> bool:
        return self.n_obj <= node < self.super_root

    def root(self, node: int) -> Root:
        return self.roots[node - self.n_obj]

    def find(self, address: int) -> int | None:
        """The object containing ``address``."""
        i = int(np.searchsorted(self.addr, np.uint64(address), side="right")) - 1
        if i >= 0 and address < int(self.addr[i]) + int(self.size[i]):
            return i
        return None


def resolve(addr: np.ndarray, size: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Index of the object containing each pointer value, or -1."""
    idx = np.searchsorted(addr, values, side="right").astype(np.int64) - 1
    ok = idx >= 0
    j = np.where(ok, idx, 0)
    ok &= values < addr[j] + size[j].astype(np.uint64)
    return np.where(ok, idx, -1)


def build(objects: Objects, roots: list[Root]) -> Graph:
    n_obj = len(objects)
    addr, osize = objects.addr, objects.size
    n_root = len(roots)
    super_root = n_obj + n_root
    n_nodes = super_root + 1

    dst = resolve(addr, osize, objects.ptr_value)
    ok = (dst >= 0) & (dst != objects.ptr_obj)
    src, dst = objects.ptr_obj[ok], dst[ok]

    r_src: list[int] = []
    r_vals: list[int] = []
    r_lab: list[str] = []
    fin_src: list[int] = []
    fin_obj: list[int] = []
    for i, r in enumerate(roots):
        r_src += [n_obj + i] * len(r.targets)
        r_vals += r.targets
        r_lab += r.labels
        if r.referents_of is not None:
            fin_src.append(n_obj + i)
            fin_obj.append(r.referents_of)
    rv = np.asarray(r_vals, dtype=np.uint64)
    rd = resolve(addr, osize, rv) if rv.size else np.zeros(0, np.int64)
    rs = np.asarray(r_src, dtype=np.int64)
    labels: dict[tuple[int, int], str] = {}
    for s, d, lab in zip(rs.tolist(), rd.tolist(), r_lab, strict=True):
        if d >= 0:
            labels.setdefault((s, d), lab)
    keep = rd >= 0
    parts_s, parts_d = [src, rs[keep]], [dst, rd[keep]]

    # A finalizer keeps what its object points to (the GC scans it), not the object.
    if fin_obj:
        fo = resolve(addr, osize, np.asarray(fin_obj, dtype=np.uint64))
        for root_node, obj in zip(fin_src, fo.tolist(), strict=True):
            if obj < 0:
                continue
            lo, hi = np.searchsorted(src, [obj, obj + 1]) if _sorted(src) else (None, None)
            outs = dst[lo:hi] if lo is not None else dst[src == obj]
            parts_s.append(np.full(outs.size, root_node, np.int64))
            parts_d.append(outs)
            for d in outs.tolist():
                labels.setdefault((root_node, d), "finalizer object's referent")
    parts_s.append(np.full(n_root, super_root, np.int64))
    parts_d.append(np.arange(n_obj, super_root, dtype=np.int64))

    key = np.concatenate(parts_s).astype(np.int64) * n_nodes + np.concatenate(parts_d)
    del src, dst, parts_s, parts_d
    # Sort and drop repeats (np.unique's hashing is several times slower here).
    key.sort()
    if key.size > 1:
        key = key[np.concatenate(([True], key[1:] != key[:-1]))]
    s_all = key // n_nodes
    d_all = key - s_all * n_nodes
    del key
    indptr = np.zeros(n_nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(s_all, minlength=n_nodes), out=indptr[1:])
    itype = np.int32 if n_nodes < 2**31 else np.int64
    size = np.zeros(n_nodes, dtype=np.int64)
    size[:n_obj] = osize
    return Graph(n_obj, roots, addr, size, indptr, d_all.astype(itype), labels)


def _sorted(a: np.ndarray) -> bool:
    return bool(a.size < 2 or np.all(a[1:] >= a[:-1]))
