"""Read a profile file: gzip or raw ``profile.proto``, or a text goroutine dump."""

from __future__ import annotations

import contextlib
import gzip
import os
import zlib
from collections.abc import Callable, Sequence

import numpy as np
from google.protobuf.message import DecodeError

from goretain.errors import UserError, read_failure
from goretain.profile import textdump
from goretain.profile.samples import SampleDecodeError, decode_samples
from goretain.profile.schema import message_class
from goretain.profile.types import (
    GOROUTINELEAK,
    Frame,
    FrameTable,
    Label,
    Mapping,
    Profile,
    classify,
)

_MAX_FILE = 4 << 30


class ProfileError(UserError):
    """A profile file that cannot be read; the message names the file."""


def load(path: str) -> Profile:
    """Load a profile from ``path``; every failure is a one-line ProfileError."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(_MAX_FILE + 1)
    except OSError as exc:
        raise ProfileError(read_failure(path, exc, "a profile")) from None
    if len(data) > _MAX_FILE:
        raise ProfileError(f"{path}: larger than 4 GiB, refusing to load")
    prof = parse(data, path)
    if not prof.time_nanos and prof.wait_state is not None:
        # Text dumps carry no timestamp: the file's modification time stands in.
        with contextlib.suppress(OSError):
            prof.time_nanos = int(os.stat(path).st_mtime_ns)
    return prof


def parse(data: bytes, source: str = "<profile>") -> Profile:
    """Parse profile bytes; raise ProfileError (one line) for anything unreadable."""
    if not data:
        raise ProfileError(f"{source}: empty file, not a profile")
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data, source)
        if not data:
            raise ProfileError(f"{source}: empty profile (gzip stream holds no data)")
    if textdump.looks_like_dump(data):
        return textdump.parse(data, source)
    if _looks_like_legacy_text(data):
        raise ProfileError(
            f"{source}: a legacy text profile; fetch the protobuf form (debug=0) instead"
        )
    try:
        return _parse_proto(data, source)
    except (DecodeError, SampleDecodeError, IndexError, ValueError, OverflowError) as exc:
        raise ProfileError(f"{source}: not a pprof profile ({_reason(exc)})") from None
    except RecursionError:
        raise ProfileError(f"{source}: not a pprof profile (nested too deeply)") from None


def _reason(exc: Exception) -> str:
    msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return msg[:120]


def _gunzip(data: bytes, source: str) -> bytes:
    try:
        return gzip.decompress(data)
    except EOFError:
        raise ProfileError(f"{source}: truncated gzip data (the file was cut short)") from None
    except (OSError, zlib.error) as exc:
        raise ProfileError(f"{source}: corrupt gzip data ({_reason(exc)})") from None


def _looks_like_legacy_text(data: bytes) -> bool:
    head = data[:64].lstrip()
    return head.startswith((b"heap profile:", b"--- heapz", b"--- contention", b"threadcreate profile:"))


def _parse_proto(data: bytes, source: str) -> Profile:
    msg = message_class("ProfileRawSamples").FromString(data)
    strings = list(msg.string_table)
    if not strings:
        raise ValueError("no string table")
    if strings[0] != "":
        raise ValueError("string table does not start with the empty string")

    def s(i: int) -> str:
        if i < 0 or i >= len(strings):
            raise ValueError(f"string index {i} out of range")
        return strings[i]

    sample_types = [(s(vt.type), s(vt.unit)) for vt in msg.sample_type]
    if not sample_types:
        raise ValueError("no sample types")
    period_type = (s(msg.period_type.type), s(msg.period_type.unit)) if msg.HasField("period_type") else None
    default = s(msg.default_sample_type) if msg.default_sample_type else ""
    kind = classify(sample_types, default, period_type)

    raw = msg.sample
    nsamples = len(raw)
    if not nsamples and kind != GOROUTINELEAK:
        raise ProfileError(f"{source}: empty profile (no samples)")

    # Functions.
    funcs: dict[int, tuple[str, str]] = {}
    for fn in msg.function:
        funcs[fn.id] = (s(fn.name) or s(fn.system_name), s(fn.filename))
    # Locations -> frames (inlined lines expanded, innermost first).
    table = FrameTable()
    frames = table.frames
    frame_index = table.index
    loc_ids: list[int] = []
    loc_frames: list[list[int]] = []
    for loc in msg.location:
        fl: list[int] = []
        for ln in loc.line:
            if ln.function_id not in funcs:
                raise ValueError(f"location {loc.id} references unknown function {ln.function_id}")
            name, file = funcs[ln.function_id]
            fl.append(frame_index(Frame(name or "?", file, int(ln.line))))
        if not fl:
            fl.append(frame_index(Frame(f"0x{loc.address:x}", "", 0)))
        loc_ids.append(int(loc.id))
        loc_frames.append(fl)

    lmap = _LocationMap(loc_ids, loc_frames, len(frames))
    offsets, stack_frames, values = _decode_chunked(raw, nsamples, len(sample_types), lmap)

    mappings = [
        Mapping(int(m.id), int(m.memory_start), int(m.memory_limit), int(m.file_offset), s(m.filename), s(m.build_id))
        for m in msg.mapping
    ]
    prof = Profile(
        source=source,
        kind=kind,
        sample_types=sample_types,
        frames=frames,
        stack_offsets=offsets,
        stack_frames=stack_frames,
        values=values,
        default_sample_type=default,
        period_type=period_type,
        period=int(msg.period),
        time_nanos=int(msg.time_nanos),
        duration_nanos=int(msg.duration_nanos),
        comments=[s(c) for c in msg.comment],
        doc_url=msg.doc_url,
        drop_frames=s(msg.drop_frames),
        keep_frames=s(msg.keep_frames),
        mappings=mappings,
    )
    if nsamples:
        prof._label_loader = _label_loader(raw, s)
    return prof


_CHUNK = 65536


def _decode_chunked(
    raw: Sequence[bytes], n: int, nvalues: int, lmap: _LocationMap
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Decode samples a chunk at a time so temporaries stay small."""
    offs_parts: list[np.ndarray] = []
    frame_parts: list[np.ndarray] = []
    value_parts: list[np.ndarray] = []
    base = 0
    parts = list(raw)  # one bytes object per sample, created once (C speed)
    for _ in range(0, n, _CHUNK):
        dec = decode_samples(parts[:_CHUNK], nvalues)
        del parts[:_CHUNK]  # free each chunk's bytes as soon as it is decoded
        offs, frames = lmap.expand(dec.stack_offsets, dec.location_ids)
        offs_parts.append(offs[:-1] + base)
        base += int(offs[-1])
        frame_parts.append(frames)
        value_parts.append(dec.values)
        del dec
    offs_parts.append(np.array([base], dtype=np.int64))
    offsets = np.concatenate(offs_parts).astype(np.int64, copy=False)
    stack_frames = np.concatenate(frame_parts) if frame_parts else np.zeros(0, dtype=lmap.dtype)
    values = np.concatenate(value_parts) if value_parts else np.zeros((0, nvalues), dtype=np.int64)
    return offsets, stack_frames, values


class _LocationMap:
    """Maps location ids to frame indices (inlined frames expanded)."""

    def __init__(self, loc_ids: list[int], loc_frames: list[list[int]], nframes: int) -> None:
        self.ids = np.asarray(loc_ids, dtype=np.uint64)
        if np.unique(self.ids).size != self.ids.size:
            raise ValueError("duplicate location id")
        self.loc_frames = loc_frames
        self.dtype = np.uint16 if nframes < 65535 else np.int32
        self.nfr = np.fromiter((len(f) for f in loc_frames), dtype=np.int64, count=len(loc_frames))
        self.first = np.fromiter((f[0] for f in loc_frames), dtype=self.dtype, count=len(loc_frames))
        self.multi = self.nfr > 1
        self.top = int(self.ids.max()) if self.ids.size else 0
        self.table: np.ndarray | None = None
        if self.ids.size and self.top <= 4 * self.ids.size + 4096:
            self.table = np.full(self.top + 1, -1, dtype=np.int32)
            self.table[self.ids.astype(np.int64)] = np.arange(self.ids.size, dtype=np.int32)
        else:
            self.order = np.argsort(self.ids)
            self.sorted_ids = self.ids[self.order]

    def expand(self, offsets: np.ndarray, stream: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if stream.size == 0:
            return offsets, np.zeros(0, dtype=self.dtype)
        if self.ids.size == 0:
            raise ValueError("samples reference locations but the profile has none")
        if int(stream.max()) > self.top:
            raise ValueError("sample references an unknown location")
        if self.table is not None:
            loc_idx = self.table[stream]
        else:
            st = stream.astype(np.uint64, copy=False)
            pos = np.minimum(np.searchsorted(self.sorted_ids, st), self.sorted_ids.size - 1)
            loc_idx = np.where(self.sorted_ids[pos] == st, self.order[pos], -1).astype(np.int32)
        if np.any(loc_idx < 0):
            raise ValueError("sample references an unknown location")
        stack_frames = self.first[loc_idx]
        if not self.multi.any():
            return offsets, stack_frames
        # Inlined frames: insert each location's outer frames right after its innermost.
        at = np.flatnonzero(self.multi[loc_idx])
        if at.size == 0:
            return offsets, stack_frames
        locs = loc_idx[at]
        extra = self.nfr[locs] - 1
        lf = self.loc_frames
        values = np.fromiter(
            (x for li in locs.tolist() for x in lf[li][1:]), dtype=self.dtype, count=int(extra.sum())
        )
        where = np.repeat(at, extra)
        stack_frames = np.insert(stack_frames, where + 1, values)
        return offsets + np.searchsorted(where, offsets, side="left"), stack_frames


def _label_loader(raw: Sequence[bytes], s: Callable[[int], str]) -> Callable[[int], list[Label]]:
    cls = message_class("Sample")

    def load_labels(i: int) -> list[Label]:
        m = cls.FromString(raw[i])
        return [
            Label(s(x.key), s(x.str) if x.str else "", int(x.num), s(x.num_unit) if x.num_unit else "")
            for x in m.label
        ]

    return load_labels
