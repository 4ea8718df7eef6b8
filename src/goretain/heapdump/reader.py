"""Parse a "go1.7 heap dump" stream (Go 1.7 to 1.27) into a HeapDump.

Objects dominate the stream, so they take a fast path: one anchored regex per record
finds its boundaries and the byte ranges of its address varint and pointer-offset
list; the varints themselves are decoded afterwards, vectorised (see varints.py).
Every other record is read by a small cursor. Each step advances the position, so
a damaged file ends in a DumpError naming the byte offset, never in a hang.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import re
from array import array
from typing import Any

import numpy as np

from goretain.errors import UserError, read_failure
from goretain.heapdump import records as R
from goretain.heapdump.varints import decode_at, decode_field_lists

HEADER = b"go1.7 heap dump\n"

_OBJ_HDR = re.compile(rb"\x01[\x80-\xff]{0,9}[\x00-\x7f]([\x80-\xff]{0,9}[\x00-\x7f])", re.S)
# A pointer-offset list made of fieldKindPtr entries only, up to its fieldKindEol.
_PTR_FIELDS = re.compile(rb"(?:\x01[\x80-\xff]{0,9}[\x00-\x7f])*\x00", re.S)

_FIELD_PTR, _FIELD_IFACE, _FIELD_EFACE = 1, 2, 3


class DumpError(UserError):
    """A heap dump that cannot be read; the message names the file and byte offset."""


class _Truncated(Exception):
    pass


class _Malformed(Exception):
    def __init__(self, pos: int, what: str) -> None:
        super().__init__(what)
        self.pos = pos
        self.what = what


class _Cursor:
    """Reads varints, byte ranges and field lists for the records other than objects."""

    __slots__ = ("data", "pos", "end")

    def __init__(self, data: Any, pos: int, end: int) -> None:
        self.data, self.pos, self.end = data, pos, end

    def uvarint(self) -> int:
        data, pos, end = self.data, self.pos, self.end
        result = shift = 0
        while True:
            if pos >= end:
                raise _Truncated
            b = data[pos]
            pos += 1
            result |= (b & 0x7F) << shift
            if b < 0x80:
                self.pos = pos
                return result
            shift += 7
            if shift > 63:
                raise _Malformed(self.pos, "varint longer than 10 bytes")

    def bool(self) -> bool:
        return self.uvarint() != 0

    def memrange(self) -> tuple[int, int]:
        """A length-prefixed byte range: (start offset in the file, length)."""
        n = self.uvarint()
        start = self.pos
        if start + n > self.end:
            raise _Truncated
        self.pos = start + n
        return start, n

    def string(self) -> str:
        start, n = self.memrange()
        return bytes(self.data[start : start + n]).decode("utf-8", "replace")

    def fields(self, ptr_size: int) -> list[int]:
        """Offsets of the pointer words described by a field list (up to fieldKindEol)."""
        out: list[int] = []
        while True:
            at = self.pos
            kind = self.uvarint()
            if kind == 0:
                return out
            off = self.uvarint()
            if kind == _FIELD_PTR:
                out.append(off)
            elif kind in (_FIELD_IFACE, _FIELD_EFACE):
                out.append(off + ptr_size)  # the data word; the first word is a type/itab
            else:
                raise _Malformed(at, f"unknown field kind {kind}")


def _open(path: str) -> tuple[Any, int]:
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed right after mapping
    except OSError as exc:
        raise DumpError(read_failure(path, exc, "a heap dump")) from None
    with fh:
        size = os.fstat(fh.fileno()).st_size
        if size == 0:
            raise DumpError(f"{path}: empty file, not a heap dump")
        return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ), size


def load(path: str) -> R.HeapDump:
    data, size = _open(path)
    try:
        return _Parser(path, data, size).parse()
    finally:
        # A surviving numpy view keeps the mapping; it goes with the last view.
        with contextlib.suppress(BufferError):
            data.close()


def parse_bytes(raw: bytes, path: str = "<dump>") -> R.HeapDump:
    """Parse an in-memory dump (tests)."""
    if not raw:
        raise DumpError(f"{path}: empty file, not a heap dump")
    return _Parser(path, raw, len(raw)).parse()


class _Parser:
    def __init__(self, path: str, data: Any, size: int) -> None:
        self.path, self.data, self.size = path, data, size
        self.params: R.Params | None = None
        self.goroutines: list[R.Goroutine] = []
        self.segments: dict[str, R.Segment] = {}
        self.finalizers: list[R.Finalizer] = []
        self.other_roots: list[tuple[str, int]] = []
        self.memstats: dict[str, int] = {}
        self.buckets: dict[int, R.MemProfBucket] = {}
        self.samples_addr = array("Q")
        self.samples_bucket = array("Q")
        self.types: dict[int, R.TypeRecord] = {}
        self.itabs: dict[int, int] = {}
        self.threads: list[tuple[int, int, int]] = []
        self.defers: list[R.Defer] = []
        self.panics: list[R.Panic] = []
        self.counts: dict[str, int] = {}
        self.at = 0  # start of the object record being scanned
        # Objects: record offset, contents offset and length, end of the field list.
        self.o_rec = array("q")
        self.o_start = array("q")
        self.o_len = array("q")
        self.o_fend = array("q")
        # Objects whose field list left the fast path: (object index, slot offsets).
        self.slow_fields: list[tuple[int, list[int]]] = []

    # -- errors -------------------------------------------------------------------------

    def _fail(self, pos: int, message: str) -> DumpError:
        return DumpError(f"{self.path}: {message} at byte {pos} (file is {self.size} bytes)")

    # -- main loop ----------------------------------------------------------------------

    def parse(self) -> R.HeapDump:
        data, size = self.data, self.size
        if bytes(data[: len(HEADER)]) != HEADER:
            head = bytes(data[:16])
            if HEADER.startswith(head):
                raise self._fail(len(head), "truncated heap dump header")
            raise DumpError(
                f"{self.path}: not a Go heap dump (expected header {HEADER[:-1].decode()!r}, "
                f"found {head[:15]!r}); write one with runtime/debug.WriteHeapDump"
            )
        cur = _Cursor(data, len(HEADER), size)
        while True:
            start = cur.pos
            if start >= size:
                raise self._fail(start, "truncated heap dump: no end-of-dump record")
            tag = data[start]
            try:
                if tag == R.TAG_OBJECT:
                    self.at = start
                    cur.pos = self._objects(start)
                    continue
                cur.uvarint()
                if tag == R.TAG_EOF:
                    break
                handler = self._handlers.get(tag)
                if handler is None:
                    raise _Malformed(start, f"unknown record kind {tag}")
                if tag != R.TAG_PARAMS and self.params is None:
                    raise _Malformed(start, f"{R.TAG_NAMES[tag]} record before the params record")
                handler(self, cur)
                name = R.TAG_NAMES[tag]
                self.counts[name] = self.counts.get(name, 0) + 1
            except _Truncated:
                raise self._fail(
                    self.at if tag == R.TAG_OBJECT else start, f"truncated heap dump: {R.TAG_NAMES.get(tag, 'record')} record runs past the end"
                ) from None
            except _Malformed as exc:
                raise self._fail(exc.pos, f"malformed heap dump: {exc.what}") from None
        if self.params is None:
            raise self._fail(cur.pos, "malformed heap dump: no params record")
        if cur.pos != size:
            raise self._fail(cur.pos, f"malformed heap dump: {size - cur.pos} bytes after the end-of-dump record")
        self.counts["object"] = len(self.o_rec)
        return self._build()

    def _objects(self, pos: int) -> int:
        """Scan consecutive object records from ``pos``; return the offset after them."""
        data, size = self.data, self.size
        hdr, fields = _OBJ_HDR.match, _PTR_FIELDS.match
        rec_add, start_add, len_add, fend_add = (
            self.o_rec.append, self.o_start.append, self.o_len.append, self.o_fend.append,
        )
        lengths: dict[bytes, int] = {}
        while pos < size and data[pos] == 1:
            self.at = pos
            m = hdr(data, pos)
            f = None
            if m is not None:
                cstart = m.end()
                lb = m.group(1)
                n = lengths.get(lb)
                if n is None:
                    n = _Cursor(lb, 0, len(lb)).uvarint()
                    lengths[lb] = n
                if cstart + n <= size:
                    f = fields(data, cstart + n)
            if f is None:
                cstart, n, fend = self._object_slow(pos)  # raises on damage
            else:
                fend = f.end()
            rec_add(pos)
            start_add(cstart)
            len_add(n)
            fend_add(fend)
            pos = fend
        return pos

    def _object_slow(self, pos: int) -> tuple[int, int, int]:
        """Full parse of one object record (iface/eface fields, or damage)."""
        cur = _Cursor(self.data, pos + 1, self.size)
        cur.uvarint()
        cstart, n = cur.memrange()
        offsets = cur.fields(8)
        self.slow_fields.append((len(self.o_rec), offsets))
        return cstart, n, cur.pos

    # -- other records ------------------------------------------------------------------

    def _params(self, c: _Cursor) -> None:
        big = c.bool()
        ptr = c.uvarint()
        a0, a1 = c.uvarint(), c.uvarint()
        arch, version = c.string(), c.string()
        ncpu = c.uvarint()
        if big or ptr != 8:
            raise _Malformed(c.pos, f"unsupported target ({'big' if big else 'little'}-endian, {ptr}-byte pointers)")
        self.params = R.Params(big, ptr, a0, a1, arch, version, ncpu)

    def _type(self, c: _Cursor) -> None:
        addr, size = c.uvarint(), c.uvarint()
        name = c.string()
        self.types[addr] = R.TypeRecord(addr, size, name, c.bool())

    def _itab(self, c: _Cursor) -> None:
        addr = c.uvarint()
        self.itabs[addr] = c.uvarint()

    def _other_root(self, c: _Cursor) -> None:
        desc = c.string()
        self.other_roots.append((desc, c.uvarint()))

    def _goroutine(self, c: _Cursor) -> None:
        v = [c.uvarint() for _ in range(5)]
        system, background = c.bool(), c.bool()
        since = c.uvarint()
        reason = c.string()
        rest = [c.uvarint() for _ in range(4)]
        self.goroutines.append(R.Goroutine(*v, system, background, since, reason, *rest))

    def _frame(self, c: _Cursor) -> None:
        sp, depth, child_sp = c.uvarint(), c.uvarint(), c.uvarint()
        start, n = c.memrange()
        entry, pc, contpc = c.uvarint(), c.uvarint(), c.uvarint()
        name = c.string()
        offsets = c.fields(8)
        frame = R.Frame(sp, depth, child_sp, entry, pc, contpc, name)
        frame.pointers = self._words(start, n, offsets)
        if not self.goroutines:
            raise _Malformed(start, "stack frame before any goroutine")
        self.goroutines[-1].frames.append(frame)

    def _words(self, start: int, n: int, offsets: list[int]) -> list[int]:
        data, out = self.data, []
        for off in offsets:
            if off + 8 <= n:
                out.append(int.from_bytes(data[start + off : start + off + 8], "little"))
        return out

    def _segment(self, c: _Cursor, kind: str) -> None:
        addr = c.uvarint()
        start, n = c.memrange()
        offsets = [o for o in c.fields(8) if o + 8 <= n]
        self.segments[kind] = R.Segment(kind, addr, n, offsets, self._words(start, n, offsets))

    def _data(self, c: _Cursor) -> None:
        self._segment(c, "data")

    def _bss(self, c: _Cursor) -> None:
        self._segment(c, "bss")

    def _finalizer(self, c: _Cursor, queued: bool = False) -> None:
        v = [c.uvarint() for _ in range(5)]
        self.finalizers.append(R.Finalizer(*v, queued=queued))

    def _queued_finalizer(self, c: _Cursor) -> None:
        self._finalizer(c, queued=True)

    def _thread(self, c: _Cursor) -> None:
        self.threads.append((c.uvarint(), c.uvarint(), c.uvarint()))

    def _memstats(self, c: _Cursor) -> None:
        for name in R.MEMSTATS_FIELDS:
            self.memstats[name] = c.uvarint()
        pauses = [c.uvarint() for _ in range(256)]
        self.memstats["NumGC"] = c.uvarint()
        self.memstats["LastPauseNs"] = pauses[(self.memstats["NumGC"] + 255) % 256]

    def _defer(self, c: _Cursor) -> None:
        self.defers.append(R.Defer(*[c.uvarint() for _ in range(7)]))

    def _panic(self, c: _Cursor) -> None:
        addr, gp, typ, data, _unused, link = (c.uvarint() for _ in range(6))
        self.panics.append(R.Panic(addr, gp, typ, data, link))

    def _memprof(self, c: _Cursor) -> None:
        bid, size, n = c.uvarint(), c.uvarint(), c.uvarint()
        if n > 1 << 16:
            raise _Malformed(c.pos, f"memprof bucket with {n} frames")
        stack = []
        for _ in range(n):
            fn, file = c.string(), c.string()
            stack.append(R.StackLine(fn, file, c.uvarint()))
        self.buckets[bid] = R.MemProfBucket(bid, size, stack, c.uvarint(), c.uvarint())

    def _alloc_sample(self, c: _Cursor) -> None:
        self.samples_addr.append(c.uvarint())
        self.samples_bucket.append(c.uvarint())

    _handlers: dict[int, Any] = {
        R.TAG_PARAMS: _params,
        R.TAG_TYPE: _type,
        R.TAG_ITAB: _itab,
        R.TAG_OTHER_ROOT: _other_root,
        R.TAG_GOROUTINE: _goroutine,
        R.TAG_STACK_FRAME: _frame,
        R.TAG_DATA: _data,
        R.TAG_BSS: _bss,
        R.TAG_FINALIZER: _finalizer,
        R.TAG_QUEUED_FINALIZER: _queued_finalizer,
        R.TAG_OS_THREAD: _thread,
        R.TAG_MEMSTATS: _memstats,
        R.TAG_DEFER: _defer,
        R.TAG_PANIC: _panic,
        R.TAG_MEMPROF: _memprof,
        R.TAG_ALLOC_SAMPLE: _alloc_sample,
    }

    # -- assembly -----------------------------------------------------------------------

    def _build(self) -> R.HeapDump:
        assert self.params is not None
        u8 = np.frombuffer(self.data, dtype=np.uint8)
        rec = np.frombuffer(self.o_rec, dtype=np.int64)
        cstart = np.frombuffer(self.o_start, dtype=np.int64)
        clen = np.frombuffer(self.o_len, dtype=np.int64)
        fend = np.frombuffer(self.o_fend, dtype=np.int64)
        addr = decode_at(u8, rec + 1)
        fstart = cstart + clen
        slow_idx = np.array([i for i, _ in self.slow_fields], dtype=np.int64)
        if slow_idx.size:
            fstart = fstart.copy()
            fstart[slow_idx] = fend[slow_idx] - 1  # leave only the terminator to decode
        ptr_obj, ptr_off = decode_field_lists(u8, fstart, fend)
        if self.slow_fields:
            extra_obj = np.concatenate([np.full(len(o), i, np.int64) for i, o in self.slow_fields])
            extra_off = np.concatenate([np.asarray(o, np.int64) for _, o in self.slow_fields])
            ptr_obj = np.concatenate([ptr_obj, extra_obj])
            ptr_off = np.concatenate([ptr_off, extra_off])
        inside = ptr_off + 8 <= clen[ptr_obj]
        ptr_obj, ptr_off = ptr_obj[inside], ptr_off[inside]
        ptr_value = _words_at(u8, cstart[ptr_obj] + ptr_off)
        keep = ptr_value != 0
        ptr_obj, ptr_value = ptr_obj[keep], ptr_value[keep]
        del u8
        order = np.argsort(addr, kind="stable")
        if not np.all(order == np.arange(order.size)):
            rank = np.empty_like(order)
            rank[order] = np.arange(order.size)
            addr, clen, ptr_obj = addr[order], clen[order], rank[ptr_obj]
        objects = R.Objects(addr, clen.copy(), ptr_obj, ptr_value)
        return R.HeapDump(
            path=self.path,
            file_size=self.size,
            params=self.params,
            objects=objects,
            goroutines=self.goroutines,
            segments=self.segments,
            finalizers=self.finalizers,
            other_roots=self.other_roots,
            memstats=self.memstats,
            buckets=self.buckets,
            alloc_samples=(
                np.frombuffer(self.samples_addr, dtype=np.uint64).copy(),
                np.frombuffer(self.samples_bucket, dtype=np.uint64).copy(),
            ),
            types=self.types,
            itabs=self.itabs,
            os_threads=self.threads,
            defers=self.defers,
            panics=self.panics,
            record_counts=self.counts,
        )



def _words_at(u8: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Little-endian 64-bit words at arbitrary (unaligned) byte offsets."""
    if u8.size < 8 or positions.size == 0:
        return np.zeros(positions.size, np.uint64)
    view = np.ndarray(shape=(u8.size - 7,), dtype="<u8", buffer=u8, offset=0, strides=(1,))
    return view[positions].astype(np.uint64)
