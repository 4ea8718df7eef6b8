"""Vectorised decoding of pprof ``Sample`` messages.

The upb backend gives us each sample's raw encoding as ``bytes`` (see schema.py,
``ProfileRawSamples``).  Everything inside a Sample is a varint (tags, lengths,
location ids, values, label fields), so the whole batch is decoded with numpy in a
few passes, one *round* per field position, instead of one Python object per sample.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


class SampleDecodeError(ValueError):
    """The sample encoding is malformed."""


_MAX_ROUNDS = 100_000


def read_varints(buf: np.ndarray, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Decode one varint at each position; return (values as uint64, positions after)."""
    val = np.zeros(pos.shape[0], dtype=np.uint64)
    end = np.empty(pos.shape[0], dtype=np.int64)
    active = np.arange(pos.shape[0])
    p = pos.astype(np.int64, copy=False)
    for k in range(10):
        b = buf[p[active] + k]
        val[active] |= (b & 0x7F).astype(np.uint64) << np.uint64(7 * k)
        done = b < 0x80
        end[active[done]] = p[active[done]] + k + 1
        active = active[~done]
        if active.size == 0:
            return val, end
    raise SampleDecodeError("varint longer than 10 bytes")


def _decode_all_varints(sub: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All the varints of a byte buffer made only of varints.

    Returns (values, terminator mask).  Values come back in the smallest unsigned
    dtype that holds them when every varint is short (the common case for location
    ids), else as uint64.
    """
    term = sub < 0x80
    if sub.size == 0:
        return np.zeros(0, dtype=np.uint64), term
    if term.all():
        return sub, term
    cont = ~term
    low = sub & 0x7F
    # Length of the run of continuation bytes before each byte, capped at 3, tells
    # whether the 2- or 3-byte fast path applies.
    two = cont[:-1] & cont[1:]
    if not two.any():
        # At most two bytes per varint.
        v = low.astype(np.uint16)
        prev = np.zeros(sub.size, dtype=bool)
        prev[1:] = cont[:-1]
        v[prev] = (v[prev] << np.uint16(7)) | low[:-1][prev[1:]]
        return v[term], term
    three = two[:-1] & cont[2:]
    if not three.any():
        v32 = low.astype(np.uint32)
        p1 = np.zeros(sub.size, dtype=bool)
        p1[1:] = cont[:-1]
        p2 = np.zeros(sub.size, dtype=bool)
        p2[2:] = two[:-1]
        # For a byte preceded by 1 continuation byte: low[i] << 7 | low[i-1];
        # by 2: low[i] << 14 | low[i-1] << 7 | low[i-2].
        lo1 = np.zeros(sub.size, dtype=np.uint32)
        lo1[1:] = low[:-1]
        lo2 = np.zeros(sub.size, dtype=np.uint32)
        lo2[2:] = low[:-2]
        v32 = np.where(p2, (v32 << 14) | (lo1 << 7) | lo2, np.where(p1, (v32 << 7) | lo1, v32))
        return v32[term], term
    ends = np.flatnonzero(term)
    starts = np.empty_like(ends)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    lens = ends - starts + 1
    maxlen = int(lens.max())
    if maxlen > 10:
        raise SampleDecodeError("varint longer than 10 bytes")
    val = low[starts].astype(np.uint64)
    for k in range(1, maxlen):
        sel = np.flatnonzero(lens > k)
        val[sel] |= low[starts[sel] + k].astype(np.uint64) << np.uint64(7 * k)
    return val, term


@dataclass
class _Field:
    """Occurrences of one repeated scalar field: packed runs and single values."""

    sid: list[np.ndarray]
    rnd: list[np.ndarray]
    start: list[np.ndarray]
    length: list[np.ndarray]
    single_sid: list[np.ndarray]
    single_rnd: list[np.ndarray]
    single_val: list[np.ndarray]


def _new_field() -> _Field:
    return _Field([], [], [], [], [], [], [])


def _cat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype=dtype)


def _gather_ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Indices start[0]..start[0]+len[0]-1, start[1].., concatenated."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    nz = lengths > 0
    starts, lengths = starts[nz], lengths[nz]
    csum = np.cumsum(lengths)
    shift = starts.astype(np.int64) - (csum - lengths)
    return np.repeat(shift, lengths) + np.arange(total, dtype=np.int64)


def _range_mask(size: int, start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Boolean mask of the bytes covered by disjoint ranges."""
    # Starts are distinct and ends are distinct, so fancy-index += is exact when
    # applied separately (a start may coincide with the previous range's end).
    d = np.zeros(size + 1, dtype=np.int8)
    nz = length > 0
    d[start[nz]] += 1
    d[(start + length)[nz]] -= 1
    return np.cumsum(d[:-1], dtype=np.int8).view(bool)


def _assemble(buf: np.ndarray, f: _Field, n: int, rounds: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-sample concatenation of a field's values: (counts per sample, values)."""
    sid = _cat(f.sid, np.int64)
    rnd = _cat(f.rnd, np.int64)
    start = _cat(f.start, np.int64)
    length = _cat(f.length, np.int64)
    ssid = _cat(f.single_sid, np.int64)
    srnd = _cat(f.single_rnd, np.int64)
    sval = _cat(f.single_val, np.uint64)
    # Packed runs: decode every varint in all of them at once.
    if length.size:
        nonempty = length > 0
        if np.any(buf[(start + length - 1)[nonempty]] >= 0x80):
            raise SampleDecodeError("packed field ends inside a varint")
        sub = buf[_range_mask(buf.size, start, length)]
        packed_vals, term = _decode_all_varints(sub)
        del sub
        counts = np.zeros(length.size, dtype=np.int64)
        if term.size:
            # Runs are disjoint, so in buffer order; their offsets into ``sub`` follow
            # from their lengths taken in that order.
            order = np.argsort(start, kind="stable")
            ln_sorted = length[order]
            off = np.cumsum(ln_sorted) - ln_sorted
            nz = ln_sorted > 0
            c = np.add.reduceat(term, off[nz], dtype=np.int64)
            tmp = np.zeros(length.size, dtype=np.int64)
            tmp[np.flatnonzero(nz)] = c
            counts[order] = tmp
            if np.any(order[1:] < order[:-1]):
                # Entries are not in buffer order: reorder the values to entry order.
                first_sorted = np.cumsum(counts[order]) - counts[order]
                first = np.empty_like(first_sorted)
                first[order] = first_sorted
                packed_vals = packed_vals[_gather_ranges(first, counts)]
        del term
    else:
        packed_vals = np.zeros(0, dtype=np.uint64)
        counts = np.zeros(0, dtype=np.int64)
    if sval.size:
        packed_vals = packed_vals.astype(np.uint64)
    pool = np.concatenate((packed_vals, sval)) if sval.size else packed_vals
    ent_sid = np.concatenate((sid, ssid))
    ent_count = np.concatenate((counts, np.ones(ssid.size, dtype=np.int64)))
    ent_first = np.concatenate(
        (np.cumsum(counts) - counts, packed_vals.size + np.arange(ssid.size, dtype=np.int64))
    )
    key = ent_sid * (rounds + 1) + np.concatenate((rnd, srnd))
    if key.size > 1 and np.any(key[1:] < key[:-1]):
        order = np.argsort(key, kind="stable")
        ent_sid, ent_count, ent_first = ent_sid[order], ent_count[order], ent_first[order]
        values = pool[_gather_ranges(ent_first, ent_count)]
    else:
        values = pool
    per_sample = np.bincount(ent_sid, weights=ent_count, minlength=n).astype(np.int64)
    return per_sample, values


@dataclass
class DecodedSamples:
    stack_offsets: np.ndarray  # int64 (n+1)
    location_ids: np.ndarray  # uint64, all samples' stacks concatenated
    values: np.ndarray  # int64 (n, nvalues)
    label_starts: np.ndarray  # int64 byte offsets into the sample buffer
    label_lengths: np.ndarray
    label_sid: np.ndarray
    buffer: bytes


def decode_samples(raw: list[bytes], nvalues: int) -> DecodedSamples:
    """Decode the raw encodings of all samples."""
    n = len(raw)
    lens = np.fromiter(map(len, raw), dtype=np.int64, count=n)
    joined = b"".join(raw)
    # Padding of 11 zero bytes so a varint read past a sample's end stays in bounds;
    # such a read is then caught by the end-of-sample check.
    buf = np.frombuffer(joined + b"\0" * 11, dtype=np.uint8)
    ends = np.cumsum(lens)
    pos = ends - lens
    sid = np.arange(n, dtype=np.int64)
    locs, vals = _new_field(), _new_field()
    lab_sid: list[np.ndarray] = []
    lab_start: list[np.ndarray] = []
    lab_len: list[np.ndarray] = []
    rnd = 0
    active = pos < ends
    pos, sid, end = pos[active], sid[active], ends[active]
    while pos.size:
        rnd += 1
        if rnd > _MAX_ROUNDS:
            raise SampleDecodeError("too many fields in a sample")
        tag, pos = read_varints(buf, pos)
        fnum = (tag >> np.uint64(3)).astype(np.int64)
        wt = (tag & np.uint64(7)).astype(np.int64)
        if np.any(fnum == 0):
            raise SampleDecodeError("field number 0")
        w0 = wt == 0
        if w0.any():
            v, after = read_varints(buf, pos[w0])
            pos[w0] = after
            for fno, fld in ((1, locs), (2, vals)):
                m = fnum[w0] == fno
                if m.any():
                    fld.single_sid.append(sid[w0][m])
                    fld.single_rnd.append(np.full(int(m.sum()), rnd, dtype=np.int64))
                    fld.single_val.append(v[m])
        w2 = wt == 2
        if w2.any():
            ln, after = read_varints(buf, pos[w2])
            if np.any(ln > np.uint64(1 << 40)):
                raise SampleDecodeError("length out of range")
            ln = ln.astype(np.int64)
            pos[w2] = after + ln
            for fno, fld in ((1, locs), (2, vals)):
                m = fnum[w2] == fno
                if m.any():
                    fld.sid.append(sid[w2][m])
                    fld.rnd.append(np.full(int(m.sum()), rnd, dtype=np.int64))
                    fld.start.append(after[m])
                    fld.length.append(ln[m])
            m = fnum[w2] == 3
            if m.any():
                lab_sid.append(sid[w2][m])
                lab_start.append(after[m])
                lab_len.append(ln[m])
        pos[wt == 1] += 8
        pos[wt == 5] += 4
        if np.any((wt == 3) | (wt == 4) | (wt > 5)):
            raise SampleDecodeError("unsupported wire type in sample")
        if np.any(pos > end):
            raise SampleDecodeError("field runs past the end of its sample")
        more = pos < end
        pos, sid, end = pos[more], sid[more], end[more]
    nloc, loc_ids = _assemble(buf, locs, n, rnd)
    nval, flat_vals = _assemble(buf, vals, n, rnd)
    if n and np.any(nval != nvalues):
        bad = int(np.flatnonzero(nval != nvalues)[0])
        raise SampleDecodeError(
            f"sample {bad} has {int(nval[bad])} values but the profile has {nvalues} sample types"
        )
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(nloc, out=offsets[1:])
    return DecodedSamples(
        stack_offsets=offsets,
        location_ids=loc_ids,
        values=flat_vals.astype(np.uint64, copy=False).view(np.int64).reshape(n, nvalues) if nvalues else np.zeros((n, 0), np.int64),
        label_starts=_cat(lab_start, np.int64),
        label_lengths=_cat(lab_len, np.int64),
        label_sid=_cat(lab_sid, np.int64),
        buffer=joined,
    )
