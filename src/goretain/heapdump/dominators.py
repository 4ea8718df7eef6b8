"""Dominator tree and retained sizes.

SEMI-NCA (Georgiadis' variant of Lengauer and Tarjan: semidominators with path
compression, then a nearest-common-ancestor pass) over a DFS preorder. Nodes with one
predecessor (most of a heap) take the cheap branch: their semidominator and immediate
dominator are their DFS parent, so only nodes with several predecessors pay for
``eval``. Linear-ish in theory and in practice; the iterative Cooper-Harvey-Kennedy
scheme we tried first is quadratic on a doubly linked list (each pass moves the
answer one element along the ring).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class DomTree:
    """Everything indexed by BFS rank (0 = the super-root); ``order[rank]`` is the node."""

    order: np.ndarray  # node id per rank
    rank: np.ndarray  # rank per node id, -1 when unreachable
    idom: np.ndarray  # immediate dominator rank per rank
    retained: np.ndarray  # bytes retained per rank
    count: np.ndarray  # nodes in the dominator subtree (itself included) per rank
    passes: int
    join_nodes: int

    def children_index(self) -> tuple[np.ndarray, np.ndarray]:
        """CSR (indptr, child ranks) of the dominator tree."""
        n = self.idom.size
        kids = np.argsort(self.idom[1:], kind="stable") + 1
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.idom[1:], minlength=n), out=indptr[1:])
        return indptr, kids

    def preorder(self) -> np.ndarray:
        """Preorder position per rank: subtree of r is the ranks at positions
        preorder[r] .. preorder[r] + count[r] - 1."""
        n = self.idom.size
        indptr, kids = self.children_index()
        sizes = self.count[kids]
        excl = np.cumsum(sizes) - sizes
        group_start = excl[indptr[self.idom[kids]]] if kids.size else excl
        off = np.zeros(n, dtype=np.int64)
        off[kids] = excl - group_start + 1
        pre = [0] * n
        idom = self.idom.tolist()
        offl = off.tolist()
        for v in range(1, n):
            pre[v] = pre[idom[v]] + offl[v]
        return np.asarray(pre, dtype=np.int64)


def compute(
    indptr: np.ndarray, indices: np.ndarray, size: np.ndarray, source: int
) -> DomTree:
    order, par = _dfs(indptr, indices, source)
    n_nodes = indptr.size - 1
    n = order.size
    rank = np.full(n_nodes, -1, dtype=np.int64)
    rank[order] = np.arange(n, dtype=np.int64)

    # Predecessor lists (in preorder rank space) of the nodes with several of them.
    src = np.repeat(np.arange(n_nodes, dtype=np.int64), np.diff(indptr))
    sr = rank[src]
    del src
    live = sr >= 0
    sr = sr[live]
    dr = rank[indices[live]]
    del live
    indeg = np.bincount(dr, minlength=n)
    join = indeg >= 2
    join[0] = False
    sel = join[dr]
    jd, js = dr[sel], sr[sel]
    del sr, dr, sel
    srt = np.argsort(jd, kind="stable")
    jd, js = jd[srt], js[srt]
    join_nodes = np.flatnonzero(join)
    lo = np.full(n + 1, 0, dtype=np.int64)
    hi = np.full(n + 1, 0, dtype=np.int64)
    lo[join_nodes] = np.searchsorted(jd, join_nodes, side="left")
    hi[join_nodes] = np.searchsorted(jd, join_nodes, side="right")
    idom = _semi_nca(par, join.tolist(), js.tolist(), lo.tolist(), hi.tolist())
    del jd, js
    idom_arr = np.asarray(idom, dtype=np.int64)
    retained, count = _accumulate(idom_arr, size[order])
    return DomTree(order, rank, idom_arr, retained, count, 1, int(join_nodes.size))


def _dfs(indptr: np.ndarray, indices: np.ndarray, source: int) -> tuple[np.ndarray, list[int]]:
    """Iterative DFS: nodes in preorder, and each one's parent as a preorder rank."""
    ptr = indptr.tolist()
    idx = indices.tolist()
    pre = [-1] * (len(ptr) - 1)
    pre[source] = 0
    order = [source]
    par = [0]
    stack_u = [source]
    stack_i = [ptr[source]]
    while stack_u:
        u = stack_u[-1]
        i = stack_i[-1]
        end = ptr[u + 1]
        while i < end:
            w = idx[i]
            i += 1
            if pre[w] < 0:
                stack_i[-1] = i
                pre[w] = len(order)
                par.append(pre[u])
                order.append(w)
                stack_u.append(w)
                stack_i.append(ptr[w])
                break
        else:
            stack_u.pop()
            stack_i.pop()
    return np.asarray(order, dtype=np.int64), par


def _semi_nca(par: list[int], join: list[bool], preds: list[int], lo: list[int], hi: list[int]) -> list[int]:
    n = len(par)
    semi = list(range(n))
    label = list(range(n))
    anc = [-1] * n
    for w in range(n - 1, 0, -1):
        p = par[w]
        if join[w]:
            s = p
            for k in range(lo[w], hi[w]):
                v = preds[k]
                if v <= w:
                    if v < s:
                        s = v
                    continue
                # eval(v): the linked ancestor path of v, compressed.
                if anc[anc[v]] != -1:
                    path = []
                    x = v
                    while anc[anc[x]] != -1:
                        path.append(x)
                        x = anc[x]
                    for x in reversed(path):
                        a = anc[x]
                        if semi[label[a]] < semi[label[x]]:
                            label[x] = label[a]
                        anc[x] = anc[a]
                sv = semi[label[v]]
                if sv < s:
                    s = sv
            semi[w] = s
        else:
            semi[w] = p
        anc[w] = p
    idom = par[:]
    idom[0] = 0
    for w in range(1, n):
        s = semi[w]
        x = idom[w]
        while x > s:
            x = idom[x]
        idom[w] = x
    return idom


def _accumulate(idom_arr: np.ndarray, size: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Retained bytes and subtree node counts, children before parents (rank order)."""
    idom = idom_arr.tolist()
    ret = size.tolist()
    cnt = [1] * len(idom)
    for v in range(len(idom) - 1, 0, -1):
        d = idom[v]
        ret[d] += ret[v]
        cnt[d] += cnt[v]
    return np.asarray(ret, dtype=np.int64), np.asarray(cnt, dtype=np.int64)
