"""A small ELF64 reader: sections, symbol table, Go build info. Enough to name globals."""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

from goretain.errors import UserError

_SHT_SYMTAB, _SHT_NOBITS = 2, 8
_STT_OBJECT, _STT_FUNC = 1, 2

_SYM = np.dtype(
    [("name", "<u4"), ("info", "u1"), ("other", "u1"), ("shndx", "<u2"), ("value", "<u8"), ("size", "<u8")]
)


class BinaryError(UserError):
    """A --binary that cannot be used; the message names the file."""


@dataclass(frozen=True)
class Section:
    name: str
    type: int
    addr: int
    offset: int
    size: int


class SymbolTable:
    """Symbols of one kind sorted by address; lookup(addr) -> (name, start) or None."""

    def __init__(self, values: np.ndarray, sizes: np.ndarray, names: list[str]) -> None:
        order = np.argsort(values, kind="stable")
        self.values = values[order]
        self.sizes = sizes[order]
        self.names = [names[i] for i in order]

    def __len__(self) -> int:
        return len(self.names)

    def lookup(self, addr: int) -> tuple[str, int] | None:
        i = int(np.searchsorted(self.values, np.uint64(addr), side="right")) - 1
        if i < 0:
            return None
        start, size = int(self.values[i]), int(self.sizes[i])
        if addr < start + max(size, 1):
            return self.names[i], start
        return None

    def lookup_many(self, addrs: np.ndarray) -> np.ndarray:
        """Index of the symbol holding each address, or -1."""
        i = np.searchsorted(self.values, addrs, side="right").astype(np.int64) - 1
        ok = i >= 0
        j = np.where(ok, i, 0)
        ok &= addrs < self.values[j] + np.maximum(self.sizes[j], 1)
        return np.where(ok, i, -1)


class ElfFile:
    def __init__(self, path: str) -> None:
        self.path = path
        try:
            with open(path, "rb") as fh:
                self.raw = fh.read()
        except FileNotFoundError:
            raise BinaryError(f"{path}: no such file") from None
        except OSError as exc:
            raise BinaryError(f"{path}: cannot read: {exc.strerror}") from None
        raw = self.raw
        if raw[:4] != b"\x7fELF":
            raise BinaryError(f"{path}: not an ELF executable (only ELF binaries can name roots)")
        if raw[4] != 2 or raw[5] != 1:
            raise BinaryError(f"{path}: only 64-bit little-endian ELF binaries are supported")
        try:
            self.sections = self._sections()
        except (struct.error, IndexError, UnicodeDecodeError):
            raise BinaryError(f"{path}: damaged ELF section headers") from None
        self.by_name = {s.name: s for s in self.sections}

    def _sections(self) -> list[Section]:
        raw = self.raw
        shoff, = struct.unpack_from("<Q", raw, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", raw, 0x3A)
        heads = [struct.unpack_from("<IIQQQQIIQQ", raw, shoff + i * shentsize) for i in range(shnum)]
        strtab = heads[shstrndx]
        names = raw[strtab[4] : strtab[4] + strtab[5]]
        out = []
        for h in heads:
            end = names.index(b"\0", h[0])
            out.append(Section(names[h[0] : end].decode(), h[1], h[3], h[4], h[5]))
        return out

    def data(self, s: Section) -> bytes:
        if s.type == _SHT_NOBITS:
            return b""
        return self.raw[s.offset : s.offset + s.size]

    @property
    def stripped(self) -> bool:
        return not any(s.type == _SHT_SYMTAB for s in self.sections)

    def symbols(self, kind: str) -> SymbolTable:
        """'object' (data/bss variables) or 'func' symbols; empty when stripped."""
        want = _STT_OBJECT if kind == "object" else _STT_FUNC
        symtab = next((s for s in self.sections if s.type == _SHT_SYMTAB), None)
        if symtab is None:
            return SymbolTable(np.zeros(0, np.uint64), np.zeros(0, np.uint64), [])
        strtab = self.sections[self._link(symtab)]
        raw = self.data(symtab)
        syms = np.frombuffer(raw, dtype=_SYM, count=len(raw) // _SYM.itemsize)
        syms = syms[((syms["info"] & 0xF) == want) & (syms["shndx"] != 0)]
        strs = self.data(strtab)
        names = []
        for off in syms["name"].tolist():
            end = strs.find(b"\0", off)
            names.append(strs[off:end].decode("utf-8", "replace"))
        return SymbolTable(syms["value"].astype(np.uint64), syms["size"].astype(np.uint64), names)

    def _link(self, s: Section) -> int:
        idx = self.sections.index(s)
        shoff, = struct.unpack_from("<Q", self.raw, 0x28)
        shentsize, = struct.unpack_from("<H", self.raw, 0x3A)
        link, = struct.unpack_from("<I", self.raw, shoff + idx * shentsize + 40)
        return int(link)

    def go_version(self) -> str | None:
        """The Go version from .go.buildinfo (Go 1.18+ inline format), if present."""
        s = self.by_name.get(".go.buildinfo")
        if s is None:
            return None
        d = self.data(s)
        if not d.startswith(b"\xff Go buildinf:") or len(d) < 33 or not d[15] & 2:
            return None
        n, pos, shift = 0, 32, 0
        while pos < len(d):
            b = d[pos]
            pos += 1
            n |= (b & 0x7F) << shift
            if b < 0x80:
                break
            shift += 7
        return d[pos : pos + n].decode("utf-8", "replace")
