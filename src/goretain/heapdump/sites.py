"""Allocation sites: alloc samples link an object to a memprof bucket's stack."""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from goretain.heapdump.records import HeapDump, StackLine


@dataclass(frozen=True)
class Site:
    function: str
    file: str
    line: int
    via: str  # the first non-runtime frame when it is not the site itself (map, sync.Map internals)

    @property
    def label(self) -> str:
        return f"{self.function} {short_path(self.file)}:{self.line}"

    @property
    def text(self) -> str:
        """What --site REGEX matches: function, full file:line and the via frame."""
        return f"{self.function} {self.file}:{self.line} {self.via}"


def short_path(path: str) -> str:
    parts = path.replace(os.sep, "/").split("/")
    return "/".join(parts[-2:])


def _is_user(function: str) -> bool:
    if "/" in function:
        return "." in function.split("/", 1)[0]
    return function.split(".", 1)[0] == "main"


def _is_runtime(function: str) -> bool:
    return function.startswith(("runtime.", "internal/runtime/"))


def pick(stack: list[StackLine]) -> Site | None:
    if not stack:
        return None
    user = next((s for s in stack if _is_user(s.function)), None)
    lib = next((s for s in stack if not _is_runtime(s.function)), None)
    chosen = user or lib or stack[0]
    first = next((s for s in stack if s.function not in ("runtime.mallocgc", "runtime.newobject",
                                                          "runtime.makeslice", "runtime.growslice")), None)
    via = first.function if first is not None and first is not chosen else ""
    return Site(chosen.function, chosen.file, chosen.line, via)


@dataclass
class Sites:
    sites: list[Site]
    obj_site: np.ndarray  # int32 per object: index into sites, -1 when not sampled


def attribute(dump: HeapDump, addr: np.ndarray) -> Sites:
    sample_addr, sample_bucket = dump.alloc_samples
    bucket_site: dict[int, int] = {}
    sites: list[Site] = []
    index: dict[Site, int] = {}
    for bid, b in dump.buckets.items():
        s = pick(b.stack)
        if s is None:
            continue
        if s not in index:
            index[s] = len(sites)
            sites.append(s)
        bucket_site[bid] = index[s]
    obj_site = np.full(addr.size, -1, dtype=np.int32)
    if sample_addr.size and addr.size:
        pos = np.searchsorted(addr, sample_addr)
        pos_c = np.minimum(pos, addr.size - 1)
        hit = addr[pos_c] == sample_addr
        keys = np.array(sorted(bucket_site), dtype=np.uint64)
        vals = np.array([bucket_site[int(k)] for k in keys], dtype=np.int32)
        wanted = sample_bucket[hit]
        if keys.size:
            j = np.minimum(np.searchsorted(keys, wanted), keys.size - 1)
            ids = np.where(keys[j] == wanted, vals[j], -1).astype(np.int32)
            obj_site[pos_c[hit]] = ids
    return Sites(sites, obj_site)
