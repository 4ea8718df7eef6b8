"""numpy helpers over segmented arrays (samples' stacks laid end to end)."""

from __future__ import annotations

import numpy as np


def first_true(elem: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Per segment, the index of its first True element, or -1."""
    hits = np.flatnonzero(elem)
    starts, ends = offsets[:-1], offsets[1:]
    if hits.size == 0:
        return np.full(starts.size, -1, dtype=np.int64)
    j = np.searchsorted(hits, starts)
    cand = hits[np.minimum(j, hits.size - 1)]
    ok = (j < hits.size) & (cand < ends)
    return np.where(ok, cand, -1)


def segment_ids(offsets: np.ndarray) -> np.ndarray:
    """The segment number of every element."""
    lengths = np.diff(offsets)
    dtype = np.int32 if lengths.size < 2**31 else np.int64
    return np.repeat(np.arange(lengths.size, dtype=dtype), lengths)


def unique_inverse(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted unique values, inverse indices) — sort based."""
    if a.size == 0:
        return a[:0], np.zeros(0, dtype=np.int64)
    order = np.argsort(a, kind="stable")
    s = a[order]
    new = np.empty(s.size, dtype=bool)
    new[0] = True
    np.not_equal(s[1:], s[:-1], out=new[1:])
    group = np.cumsum(new) - 1
    inv = np.empty(a.size, dtype=np.int64)
    inv[order] = group
    return s[new], inv


def sorted_unique(a: np.ndarray) -> np.ndarray:
    if a.size == 0:
        return a
    s = np.sort(a)
    keep = np.empty(s.size, dtype=bool)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]
