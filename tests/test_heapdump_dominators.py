"""Dominators against a brute-force definition on random graphs, rings and lists."""

from __future__ import annotations

import random

import numpy as np

from goretain.heapdump import dominators


def _csr(n: int, edges: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    edges = sorted(set((a, b) for a, b in edges if a != b))
    indptr = np.zeros(n + 1, dtype=np.int64)
    for a, _ in edges:
        indptr[a + 1] += 1
    np.cumsum(indptr, out=indptr)
    return indptr, np.asarray([b for _, b in edges], dtype=np.int64)


def _reach(n: int, edges: list[tuple[int, int]], src: int, removed: int) -> set[int]:
    adj: dict[int, list[int]] = {}
    for a, b in edges:
        adj.setdefault(a, []).append(b)
    seen, todo = {src}, [src]
    while todo:
        for w in adj.get(todo.pop(), []):
            if w not in seen and w != removed:
                seen.add(w)
                todo.append(w)
    return seen


def _brute_idom(n: int, edges: list[tuple[int, int]], src: int) -> dict[int, int]:
    reach = _reach(n, edges, src, -1)
    doms = {v: {d for d in reach if d in (v, src) or v not in _reach(n, edges, src, d)} for v in reach}
    out = {}
    for v in reach - {src}:
        strict = doms[v] - {v}
        # The immediate dominator is the strict dominator dominated by all the others.
        out[v] = next(d for d in strict if strict <= doms[d])
    return out


def _check(n: int, edges: list[tuple[int, int]]) -> None:
    indptr, indices = _csr(n, edges)
    size = np.ones(n, dtype=np.int64)
    t = dominators.compute(indptr, indices, size, 0)
    want = _brute_idom(n, edges, 0)
    got = {int(t.order[r]): int(t.order[t.idom[r]]) for r in range(1, t.order.size)}
    assert got == want
    for v in want:
        sub = sum(1 for w in want if _dominated(want, w, v)) + 1
        assert t.retained[t.rank[v]] == sub


def _dominated(idom: dict[int, int], w: int, v: int) -> bool:
    while w in idom:
        w = idom[w]
        if w == v:
            return True
    return False


def test_random_graphs() -> None:
    rng = random.Random(7)
    for _ in range(150):
        n = rng.randint(2, 14)
        edges = [(rng.randrange(n), rng.randrange(n)) for _ in range(rng.randint(1, 3 * n))]
        _check(n, edges)


def test_doubly_linked_ring_is_fast_and_right() -> None:
    n = 200_000
    edges = [(0, 1)] + [(k, k + 1) for k in range(1, n - 1)] + [(k + 1, k) for k in range(1, n - 1)]
    edges += [(n - 1, 1), (1, n - 1)]
    indptr, indices = _csr(n, edges)
    t = dominators.compute(indptr, indices, np.ones(n, dtype=np.int64), 0)
    idom = t.order[t.idom]
    assert np.all(idom[t.rank[np.arange(2, n)]] == 1)
    assert t.retained[t.rank[1]] == n - 1
    _check(12, [(0, 1)] + [(k, k + 1) for k in range(1, 11)] + [(k + 1, k) for k in range(1, 11)] + [(11, 1)])
