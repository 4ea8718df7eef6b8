"""The records of a "go1.7 heap dump" stream, as written by runtime/heapdump.go."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# Record tags (runtime/heapdump.go).
TAG_EOF, TAG_OBJECT, TAG_OTHER_ROOT, TAG_TYPE, TAG_GOROUTINE, TAG_STACK_FRAME = 0, 1, 2, 3, 4, 5
TAG_PARAMS, TAG_FINALIZER, TAG_ITAB, TAG_OS_THREAD, TAG_MEMSTATS = 6, 7, 8, 9, 10
TAG_QUEUED_FINALIZER, TAG_DATA, TAG_BSS, TAG_DEFER, TAG_PANIC = 11, 12, 13, 14, 15
TAG_MEMPROF, TAG_ALLOC_SAMPLE = 16, 17

TAG_NAMES = {
    0: "eof", 1: "object", 2: "other root", 3: "type", 4: "goroutine", 5: "stack frame",
    6: "params", 7: "finalizer", 8: "itab", 9: "os thread", 10: "memstats",
    11: "queued finalizer", 12: "data segment", 13: "bss segment", 14: "defer", 15: "panic",
    16: "memprof bucket", 17: "alloc sample",
}

# Goroutine status values (runtime2.go); the scan bit (0x1000) is masked off.
G_STATUS = {0: "idle", 1: "runnable", 2: "running", 3: "syscall", 4: "waiting", 6: "dead"}

# MemStats fields in dump order (dumpmemstats), before PauseNs[256] and NumGC.
MEMSTATS_FIELDS = (
    "Alloc", "TotalAlloc", "Sys", "Lookups", "Mallocs", "Frees", "HeapAlloc", "HeapSys",
    "HeapIdle", "HeapInuse", "HeapReleased", "HeapObjects", "StackInuse", "StackSys",
    "MSpanInuse", "MSpanSys", "MCacheInuse", "MCacheSys", "BuckHashSys", "GCSys", "OtherSys",
    "NextGC", "LastGC", "PauseTotalNs",
)


@dataclass
class Params:
    big_endian: bool
    ptr_size: int
    arena_start: int
    arena_end: int
    goarch: str
    go_version: str
    ncpu: int


@dataclass
class Frame:
    """One stack frame; ``pointers`` are absolute addresses of its pointer slots' values."""

    sp: int
    depth: int
    child_sp: int
    entry: int
    pc: int
    continpc: int
    function: str
    pointers: list[int] = field(default_factory=list)


@dataclass
class Goroutine:
    addr: int
    sp: int
    goid: int
    gopc: int
    status: int
    system: bool
    background: bool
    wait_since: int
    wait_reason: str
    ctxt: int
    m: int
    defer: int
    panic: int
    frames: list[Frame] = field(default_factory=list)

    @property
    def status_name(self) -> str:
        return G_STATUS.get(self.status & ~0x1000, f"status {self.status}")


@dataclass
class Segment:
    """The data or bss segment: its start address and the values of its pointer slots."""

    kind: str
    addr: int
    size: int
    slot_offsets: list[int]
    slot_values: list[int]


@dataclass
class Finalizer:
    obj: int
    fn: int
    fn_pc: int
    fint: int
    ot: int
    queued: bool


@dataclass
class Defer:
    addr: int
    gp: int
    sp: int
    pc: int
    fn: int
    fn_pc: int
    link: int


@dataclass
class Panic:
    addr: int
    gp: int
    arg_type: int
    arg_data: int
    link: int


@dataclass
class StackLine:
    function: str
    file: str
    line: int


@dataclass
class MemProfBucket:
    id: int
    size: int
    stack: list[StackLine]
    allocs: int
    frees: int


@dataclass
class TypeRecord:
    addr: int
    size: int
    name: str
    indirect: bool


@dataclass
class Objects:
    """All dumped objects, sorted by address, as parallel numpy arrays.

    Pointers are described by ``ptr_obj`` (owning object index) and ``ptr_value``
    (the word stored in the slot), one entry per slot the heap bitmap marks.
    """

    addr: np.ndarray  # uint64
    size: np.ndarray  # int64
    ptr_obj: np.ndarray  # int64, index into addr
    ptr_value: np.ndarray  # uint64

    def __len__(self) -> int:
        return int(self.addr.shape[0])


@dataclass
class HeapDump:
    path: str
    file_size: int
    params: Params
    objects: Objects
    goroutines: list[Goroutine]
    segments: dict[str, Segment]
    finalizers: list[Finalizer]
    other_roots: list[tuple[str, int]]
    memstats: dict[str, int]
    buckets: dict[int, MemProfBucket]
    alloc_samples: tuple[np.ndarray, np.ndarray]  # (object address uint64, bucket id uint64)
    types: dict[int, TypeRecord]
    itabs: dict[int, int]
    os_threads: list[tuple[int, int, int]]
    defers: list[Defer]
    panics: list[Panic]
    record_counts: dict[str, int] = field(default_factory=dict)
