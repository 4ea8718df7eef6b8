"""GC roots as named pseudo-nodes: globals (ELF symbols), goroutines, finalizers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from goretain.heapdump.elf import BinaryError, ElfFile, SymbolTable
from goretain.heapdump.records import HeapDump


@dataclass
class Root:
    kind: str  # global | goroutine | finalizer | queued finalizer | other
    name: str
    targets: list[int]  # pointer values held by the root
    labels: list[str]  # per target: where the pointer sits (frame, symbol+offset)
    detail: dict[str, Any] = field(default_factory=dict)
    referents_of: int | None = None  # finalizer: the object whose referents it keeps


class Symbolizer:
    """Names addresses from --binary, with the PIE load bias applied; degrades to offsets."""

    def __init__(self, dump: HeapDump, binary: str | None) -> None:
        self.bias = 0
        self.objects: SymbolTable | None = None
        self.funcs: SymbolTable | None = None
        self.status = "named"
        self.note = ""
        if binary is None:
            self.status = "unnamed"
            self.note = "no --binary given: globals are named by segment offset"
            return
        elf = ElfFile(binary)
        _check_match(elf, dump)
        data = elf.by_name[".data"]
        self.bias = dump.segments["data"].addr - data.addr
        if elf.stripped:
            self.status = "stripped"
            self.note = f"{binary} is stripped (no .symtab): globals are named by segment offset"
            return
        self.objects = elf.symbols("object")
        self.funcs = elf.symbols("func")

    def global_names(self, addrs: np.ndarray) -> list[str | None]:
        if self.objects is None or len(self.objects) == 0:
            return [None] * addrs.size
        idx = self.objects.lookup_many(addrs - np.uint64(self.bias))
        names = self.objects.names
        return [names[i] if i >= 0 else None for i in idx.tolist()]

    def func(self, pc: int) -> str | None:
        if self.funcs is None or not pc:
            return None
        hit = self.funcs.lookup(pc - self.bias)
        return hit[0] if hit else None


def _check_match(elf: ElfFile, dump: HeapDump) -> None:
    """A binary from another build would name the wrong globals: refuse it."""
    where = elf.path
    version = elf.go_version()
    if version and version != dump.params.go_version:
        raise BinaryError(
            f"{where} does not match the dump: built with {version}, dump written by {dump.params.go_version}"
        )
    biases = []
    for seg, sec in (("data", ".data"), ("bss", ".bss")):
        s = elf.by_name.get(sec)
        d = dump.segments.get(seg)
        if s is None or d is None:
            raise BinaryError(f"{where} does not match the dump: no {sec} section or {seg} segment")
        if s.size != d.size:
            raise BinaryError(
                f"{where} does not match the dump: {sec} is {s.size} bytes in the binary, "
                f"{d.size} in the dump"
            )
        biases.append(d.addr - s.addr)
    if biases[0] != biases[1] or biases[0] % 4096:
        raise BinaryError(f"{where} does not match the dump: data and bss are not loaded at one bias")


def collect(dump: HeapDump, sym: Symbolizer) -> list[Root]:
    roots = _globals(dump, sym)
    roots += _goroutines(dump, sym)
    for f in dump.finalizers:
        fn = sym.func(f.fn_pc) or f"pc {f.fn_pc:#x}"
        kind = "queued finalizer" if f.queued else "finalizer"
        r = Root(kind, f"{kind} {fn} on object {f.obj:#x}", [f.fn], ["finalizer func"],
                 {"object": f"{f.obj:#x}", "func": fn})
        if f.queued:
            r.targets.append(f.obj)
            r.labels.append("queued object")
        else:
            r.referents_of = f.obj
        roots.append(r)
    for desc, ptr in dump.other_roots:
        roots.append(Root("other", desc, [ptr], [desc]))
    return roots


def _globals(dump: HeapDump, sym: Symbolizer) -> list[Root]:
    groups: dict[str, Root] = {}
    for seg in (dump.segments.get("data"), dump.segments.get("bss")):
        if seg is None or not seg.slot_offsets:
            continue
        offs = np.asarray(seg.slot_offsets, dtype=np.uint64)
        names = sym.global_names(offs + np.uint64(seg.addr))
        for off, value, name in zip(seg.slot_offsets, seg.slot_values, names, strict=True):
            if not value:
                continue
            key = name or f"{seg.kind}+{off:#x}"
            r = groups.get(key)
            if r is None:
                r = groups[key] = Root(
                    "global", key, [], [],
                    {"segment": seg.kind, "address": f"{seg.addr + off:#x}", "named": name is not None},
                )
            r.targets.append(value)
            r.labels.append(key)
    return list(groups.values())


def _goroutines(dump: HeapDump, sym: Symbolizer) -> list[Root]:
    defers: dict[int, list[int]] = {}
    for d in dump.defers:
        defers.setdefault(d.gp, []).append(d.fn)
    panics: dict[int, list[int]] = {}
    for p in dump.panics:
        panics.setdefault(p.gp, []).append(p.arg_data)
    out = []
    for g in dump.goroutines:
        funcs = [f.function for f in g.frames]
        start = next((f for f in reversed(funcs) if f != "runtime.goexit"), "?")
        created = sym.func(g.gopc)
        created_s = created or f"pc {g.gopc:#x}"
        targets: list[int] = []
        labels: list[str] = []
        for f in g.frames:
            targets += f.pointers
            labels += [f"frame {f.function}"] * len(f.pointers)
        for v, what in ((g.ctxt, "closure context"),):
            if v:
                targets.append(v)
                labels.append(what)
        for v in defers.get(g.addr, []):
            targets.append(v)
            labels.append("deferred call")
        for v in panics.get(g.addr, []):
            targets.append(v)
            labels.append("panic value")
        name = f"goroutine {g.goid} {start} [{g.wait_reason or g.status_name}]"
        out.append(Root("goroutine", name, targets, labels, {
            "goid": g.goid, "status": g.status_name, "wait_reason": g.wait_reason,
            "system": g.system, "created_by": created_s, "start": start, "frames": funcs,
        }))
    return out
