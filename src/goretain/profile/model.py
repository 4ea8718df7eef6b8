"""Attribute samples to call sites and sum flat and cumulative values per site.

A *site* is, by mode:

* ``leaf`` — the innermost frame of the stack (function + file:line);
* ``user`` — the innermost frame in the user's code (``--module`` prefixes, or by
  default any frame outside the Go standard library and runtime), else the leaf;
* ``stack`` — the whole stack.

``flat`` is the value of the samples attributed to a site; ``cum`` is the value of
all samples whose stack contains the site's frame (each sample counted once even
under recursion).  In ``stack`` mode cum equals flat.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from goretain.errors import UserError
from goretain.profile.segments import first_true, segment_ids, sorted_unique, unique_inverse
from goretain.profile.types import Frame, Profile

MODES = ("user", "leaf", "stack")
NO_STACK = Frame("<no stack>", "", 0)
_INFRA_PREFIXES = ("golang.org/x/", "internal/", "vendor/")


@dataclass(frozen=True)
class Site:
    key: str
    frame: Frame
    stack: tuple[Frame, ...] = ()

    def label(self) -> str:
        return self.frame.short()


@dataclass
class SiteTable:
    """Flat and cumulative values per site for one sample type."""

    sites: list[Site]
    flat: np.ndarray  # int64 per site
    cum: np.ndarray  # int64 per site
    total: int
    sample_type: str
    unit: str

    def index(self) -> dict[str, int]:
        return {s.key: i for i, s in enumerate(self.sites)}


_CHUNK = 65536


def chunks(prof: Profile, size: int = _CHUNK) -> Iterator[tuple[int, int, np.ndarray, np.ndarray]]:
    """(first sample, end sample, local offsets, stack frames) per chunk of samples."""
    offs = prof.stack_offsets
    for a in range(0, prof.n_samples, size):
        b = min(a + size, prof.n_samples)
        o = offs[a : b + 1]
        yield a, b, o - o[0], prof.stack_frames[o[0] : o[-1]]


def package_of(function: str) -> str:
    """``example.com/a/b.(*T).M`` -> ``example.com/a/b``; ``main.f`` -> ``main``."""
    slash = function.rfind("/")
    dot = function.find(".", slash + 1)
    return function[:dot] if dot >= 0 else function


def is_user_function(function: str, modules: Sequence[str] = ()) -> bool:
    pkg = package_of(function)
    if modules:
        return pkg == "main" or any(pkg == m or pkg.startswith(m.rstrip("/") + "/") for m in modules)
    if pkg == "main" or pkg.startswith("main."):
        return True
    first = pkg.split("/", 1)[0]
    return "." in first and not pkg.startswith(_INFRA_PREFIXES)


def compile_patterns(patterns: Sequence[str] | None, flag: str) -> re.Pattern[str] | None:
    if not patterns:
        return None
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns))
    except re.error as exc:
        raise UserError(f"{flag}: invalid regular expression: {exc}") from None


def sample_mask(
    prof: Profile, focus: re.Pattern[str] | None, ignore: re.Pattern[str] | None
) -> np.ndarray | None:
    """Samples kept by --focus (some frame matches) and --ignore (no frame matches)."""
    if focus is None and ignore is None:
        return None
    keep = np.ones(prof.n_samples, dtype=bool)
    texts = [f"{f.function} {f.file}:{f.line}" for f in prof.frames]
    for pat, want in ((focus, True), (ignore, False)):
        if pat is None:
            continue
        fmatch = np.fromiter((pat.search(t) is not None for t in texts), dtype=bool, count=len(texts))
        for a, b, offs, sf in chunks(prof):
            hit = first_true(fmatch[sf], offs) >= 0
            keep[a:b] &= hit if want else ~hit
    return keep


def _frame_key(f: Frame) -> str:
    return f"{f.function} {f.file}:{f.line}"


def attribute(prof: Profile, mode: str, modules: Sequence[str] = ()) -> tuple[list[Site], np.ndarray]:
    """Sites, and the site index of every sample."""
    if mode not in MODES:
        raise UserError(f"unknown site mode {mode!r} (use one of: {', '.join(MODES)})")
    if mode == "stack":
        return _attribute_stacks(prof)
    nframes = len(prof.frames)
    user = None
    if mode == "user":
        user = np.fromiter(
            (is_user_function(f.function, modules) for f in prof.frames), dtype=bool, count=nframes
        )
    frame_of_sample = np.full(prof.n_samples, nframes, dtype=np.int64)  # nframes = "no stack"
    for a, b, offs, sf in chunks(prof):
        nonempty = np.flatnonzero(offs[1:] > offs[:-1])
        leaf = np.full(b - a, nframes, dtype=np.int64)
        leaf[nonempty] = sf[offs[:-1][nonempty]]
        if user is not None and sf.size:
            # Only samples whose leaf is not user code need a search up the stack.
            need = np.flatnonzero(~np.append(user, False)[leaf])
            if need.size:
                sub_offs = np.stack((offs[:-1][need], offs[1:][need]), axis=1)
                pos = _first_user(user, sf, sub_offs)
                ok = pos >= 0
                leaf[need[ok]] = sf[pos[ok]]
        frame_of_sample[a:b] = leaf
    sites = [Site(_frame_key(f), f) for f in prof.frames]
    sites.append(Site(_frame_key(NO_STACK), NO_STACK))
    return sites, frame_of_sample


def _first_user(user: np.ndarray, sf: np.ndarray, ranges: np.ndarray) -> np.ndarray:
    """For each (start, end) range of ``sf``, the position of its first user frame, or -1."""
    pos = ranges[:, 0].copy()
    end = ranges[:, 1]
    out = np.full(pos.size, -1, dtype=np.int64)
    active = np.flatnonzero(pos < end)
    while active.size:
        p = pos[active]
        hit = user[sf[p]]
        out[active[hit]] = p[hit]
        active = active[~hit]
        pos[active] += 1
        active = active[pos[active] < end[active]]
    return out


def _attribute_stacks(prof: Profile) -> tuple[list[Site], np.ndarray]:
    offs, sf = prof.stack_offsets, prof.stack_frames
    n = prof.n_samples
    seg = segment_ids(offs)
    pos_in_seg = np.arange(sf.size, dtype=np.int64) - offs[:-1][seg]
    with np.errstate(over="ignore"):
        mult = np.uint64(0x9E3779B97F4A7C15)
        h = (sf.astype(np.uint64) + np.uint64(1)) * mult
        h ^= h >> np.uint64(29)
        h *= np.uint64(0xBF58476D1CE4E5B9) + pos_in_seg.astype(np.uint64) * np.uint64(2)
        h ^= h >> np.uint64(32)
        hs = np.zeros(n, dtype=np.uint64)
        nonempty = np.diff(offs) > 0
        if sf.size:
            sums = np.add.reduceat(h, offs[:-1][nonempty])
            hs[nonempty] = sums
        hs += np.diff(offs).astype(np.uint64) * np.uint64(0x94D049BB133111EB)
    uniq, inv = unique_inverse(hs)
    first = np.full(uniq.size, -1, dtype=np.int64)
    first[inv[::-1]] = np.arange(n - 1, -1, -1)
    sites = []
    for i in first:
        stack = tuple(prof.stack(int(i))) or (NO_STACK,)
        sites.append(Site(" <- ".join(_frame_key(f) for f in stack), stack[0], stack))
    return sites, inv


def aggregate(
    prof: Profile,
    type_index: int,
    mode: str = "user",
    modules: Sequence[str] = (),
    mask: np.ndarray | None = None,
    with_cum: bool = True,
) -> SiteTable:
    """Flat (and cumulative) value per site for sample type ``type_index``."""
    sites, site_of = attribute(prof, mode, modules)
    w = prof.values[:, type_index].astype(np.float64)
    if mask is not None:
        w = np.where(mask, w, 0.0)
    flat = np.rint(np.bincount(site_of, weights=w, minlength=len(sites))).astype(np.int64)
    if mode == "stack" or not with_cum:
        cum = flat.copy()
    else:
        cum = np.zeros(len(sites), dtype=np.int64)
        cum[: len(prof.frames)] = cum_by_frame(prof, w)
        cum[len(prof.frames)] = flat[len(prof.frames)]
    stype, unit = prof.sample_types[type_index]
    return SiteTable(sites, flat, cum, int(np.rint(w.sum())), stype, unit)


def cum_by_frame(prof: Profile, w: np.ndarray) -> np.ndarray:
    """Per frame, the total weight of samples whose stack contains it (once each)."""
    nframes = len(prof.frames)
    out = np.zeros(nframes, dtype=np.float64)
    if prof.stack_frames.size == 0:
        return out.astype(np.int64)
    func_names: dict[str, int] = {}
    frame_func = np.fromiter(
        (func_names.setdefault(f.function, len(func_names)) for f in prof.frames),
        dtype=np.int32,
        count=nframes,
    )
    rec = _recursive_functions(prof, frame_func, len(func_names))
    rec_frame = rec[frame_func] if rec is not None else None
    for a, b, offs, sf in chunks(prof):
        seg = segment_ids(offs)
        ww = w[a:b][seg]
        if rec_frame is None:
            out += np.bincount(sf, weights=ww, minlength=nframes)
            continue
        elem_rec = rec_frame[sf]
        plain = ~elem_rec
        out += np.bincount(sf[plain], weights=ww[plain], minlength=nframes)
        keys = sorted_unique(seg[elem_rec].astype(np.int64) * nframes + sf[elem_rec])
        out += np.bincount(keys % nframes, weights=w[a:b][keys // nframes], minlength=nframes)
    return np.rint(out).astype(np.int64)


def _recursive_functions(prof: Profile, frame_func: np.ndarray, nfuncs: int) -> np.ndarray | None:
    """Functions on a cycle of the observed call graph (only they can repeat in a stack)."""
    small = nfuncs * nfuncs <= 1 << 22
    seen = np.zeros(nfuncs * nfuncs if small else 0, dtype=bool)
    parts: list[np.ndarray] = []
    for _a, _b, offs, sf in chunks(prof):
        if sf.size < 2:
            continue
        ef = frame_func[sf].astype(np.int64)
        same = np.ones(sf.size - 1, dtype=bool)
        inner = offs[1:-1]
        same[inner[(inner > 0) & (inner < sf.size)] - 1] = False
        keys = ef[1:][same] * nfuncs + ef[:-1][same]  # caller -> callee
        if small:
            seen[keys] = True
        else:
            parts.append(sorted_unique(keys))
    present = np.flatnonzero(seen) if small else sorted_unique(np.concatenate(parts) if parts else np.zeros(0, np.int64))
    if present.size == 0:
        return None
    src, dst = present // nfuncs, present % nfuncs
    adj: dict[int, list[int]] = {}
    for x, y in zip(src.tolist(), dst.tolist(), strict=True):
        adj.setdefault(x, []).append(y)
    cyclic = _cyclic_nodes(adj)
    if not cyclic:
        return None
    rec = np.zeros(nfuncs, dtype=bool)
    rec[list(cyclic)] = True
    return rec


def _cyclic_nodes(adj: dict[int, list[int]]) -> set[int]:
    """Nodes in a strongly connected component with a cycle (iterative Tarjan)."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    out: set[int] = set()
    counter = 0
    for root in list(adj):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack.add(v)
            succ = adj.get(v, [])
            recurse = False
            while i < len(succ):
                w = succ[i]
                i += 1
                if w not in index:
                    work.append((v, i))
                    work.append((w, 0))
                    recurse = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if recurse:
                continue
            if low[v] == index[v]:
                comp = []
                while True:
                    x = stack.pop()
                    on_stack.discard(x)
                    comp.append(x)
                    if x == v:
                        break
                if len(comp) > 1 or v in adj.get(v, []):
                    out.update(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    return out
