"""Vectorised uvarint decoding over the mapped dump (numpy, no per-value Python)."""

from __future__ import annotations

import numpy as np

_CHUNK = 1 << 20  # objects per chunk: bounds the temporary index arrays


def decode_at(u8: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """The uvarint starting at each of ``positions`` (already known to be well formed)."""
    out = np.zeros(positions.size, dtype=np.uint64)
    active = np.ones(positions.size, dtype=bool)
    last = u8.size - 1
    for k in range(10):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        b = u8[np.minimum(positions[idx] + k, last)]
        out[idx] |= (b & 0x7F).astype(np.uint64) << np.uint64(7 * k)
        active[idx] = b >= 0x80
    return out


def decode_field_lists(
    u8: np.ndarray, fstart: np.ndarray, fend: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Decode field lists made of (fieldKindPtr, offset) pairs ending in fieldKindEol.

    ``fstart``/``fend`` bound each object's list. Returns (object index, offset) for
    every pointer slot.
    """
    objs: list[np.ndarray] = []
    offs: list[np.ndarray] = []
    for lo in range(0, fstart.size, _CHUNK):
        hi = min(lo + _CHUNK, fstart.size)
        o, f = _decode_chunk(u8, fstart[lo:hi], fend[lo:hi])
        objs.append(o + lo)
        offs.append(f)
    if not objs:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(objs), np.concatenate(offs)


def _decode_chunk(u8: np.ndarray, fstart: np.ndarray, fend: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lengths = fend - fstart
    # Lists of length 1 hold only the terminator: most objects are pointer-free.
    has = np.flatnonzero(lengths > 1)
    if has.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    starts, lengths = fstart[has], lengths[has]
    total = int(lengths.sum())
    first = np.cumsum(lengths) - lengths
    idx = np.arange(total, dtype=np.int64) - np.repeat(first, lengths) + np.repeat(starts, lengths)
    b = u8[idx]
    del idx
    ends = b < 0x80
    begins = np.empty_like(ends)
    begins[0] = True
    begins[1:] = ends[:-1]
    pos = np.arange(total, dtype=np.int64)
    begin_pos = np.maximum.accumulate(np.where(begins, pos, 0))
    vals = (b & 0x7F).astype(np.uint64) << (7 * (pos - begin_pos)).astype(np.uint64)
    del pos, begin_pos
    bstarts = np.flatnonzero(begins)
    values = np.add.reduceat(vals, bstarts)
    # Which list each varint belongs to, and its index inside the list.
    list_of = np.repeat(np.arange(has.size, dtype=np.int64), lengths)[bstarts]
    counts = np.bincount(list_of, minlength=has.size)
    k = np.arange(values.size, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    odd = (k & 1) == 1
    return has[list_of[odd]], values[odd].astype(np.int64)
