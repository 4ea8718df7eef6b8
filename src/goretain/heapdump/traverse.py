"""Breadth-first reachability from the super-root, with BFS parents (shortest paths)."""

from __future__ import annotations

import numpy as np

# Below this frontier width numpy's per-call cost dominates: walk in Python instead
# (long linked lists make thousands of one-node levels).
_SMALL = 64


def bfs(indptr: np.ndarray, indices: np.ndarray, source: int) -> tuple[np.ndarray, np.ndarray]:
    """(order, parent): reached nodes in BFS order, and each node's BFS parent (-1 if unreached)."""
    n = indptr.size - 1
    vis = bytearray(n)
    visited = np.frombuffer(vis, dtype=np.uint8)
    parent = np.full(n, -1, dtype=np.int64)
    parent[source] = source
    vis[source] = 1
    chunks = [np.array([source], dtype=np.int64)]
    frontier = chunks[0]
    while frontier.size:
        if frontier.size < _SMALL:
            frontier = _walk_small(indptr, indices, frontier, vis, parent, chunks)
            continue
        starts = indptr[frontier]
        counts = indptr[frontier + 1] - starts
        total = int(counts.sum())
        if total == 0:
            break
        first = np.cumsum(counts) - counts
        idx = np.arange(total, dtype=np.int64) - np.repeat(first - starts, counts)
        nbrs = indices[idx].astype(np.int64)
        src = np.repeat(frontier, counts)
        new = visited[nbrs] == 0
        nbrs, src = nbrs[new], src[new]
        nbrs, at = np.unique(nbrs, return_index=True)
        visited[nbrs] = 1
        parent[nbrs] = src[at]
        frontier = nbrs
        if frontier.size:
            chunks.append(frontier)
    return np.concatenate(chunks), parent


def _walk_small(
    indptr: np.ndarray, indices: np.ndarray, frontier: np.ndarray, vis: bytearray,
    parent: np.ndarray, chunks: list[np.ndarray],
) -> np.ndarray:
    """Level-by-level BFS in Python while levels stay narrow; returns the next wide level."""
    level = frontier.tolist()
    seen: list[int] = []
    seen_parent: list[int] = []
    out = np.zeros(0, dtype=np.int64)
    while level:
        nxt: list[int] = []
        for u in level:
            lo, hi = int(indptr[u]), int(indptr[u + 1])
            if lo == hi:
                continue
            for w in indices[lo:hi].tolist():
                if not vis[w]:
                    vis[w] = 1
                    nxt.append(w)
                    seen_parent.append(u)
        seen += nxt
        if len(nxt) >= _SMALL:
            out = np.asarray(nxt, dtype=np.int64)
            break
        level = nxt
    if seen:
        arr = np.asarray(seen, dtype=np.int64)
        parent[arr] = seen_parent
        chunks.append(arr)
    return out
