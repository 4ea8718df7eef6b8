"""The decoded profile: small metadata in Python objects, samples in numpy arrays."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# Profile kinds we know by their sample types.
HEAP, ALLOCS, GOROUTINE, GOROUTINELEAK, CPU, OTHER = (
    "heap",
    "allocs",
    "goroutine",
    "goroutineleak",
    "cpu",
    "other",
)


@dataclass(frozen=True)
class Frame:
    """One (possibly inlined) frame: the unit call sites are made of."""

    function: str
    file: str
    line: int

    def short(self) -> str:
        return f"{self.function} {self.file}:{self.line}" if self.file else self.function


class FrameTable:
    """Interns frames: each distinct frame gets one index into ``frames``."""

    def __init__(self) -> None:
        self.frames: list[Frame] = []
        self._ids: dict[Frame, int] = {}

    def index(self, fr: Frame) -> int:
        idx = self._ids.get(fr)
        if idx is None:
            idx = self._ids[fr] = len(self.frames)
            self.frames.append(fr)
        return idx


@dataclass(frozen=True)
class Mapping:
    id: int
    memory_start: int
    memory_limit: int
    file_offset: int
    filename: str
    build_id: str


@dataclass(frozen=True)
class Label:
    key: str
    str: str = ""
    num: int = 0
    num_unit: str = ""


@dataclass
class Profile:
    """A profile, whatever its source (pprof proto or text goroutine dump).

    Samples are stored column-wise: sample ``i`` has stack
    ``stack_frames[stack_offsets[i]:stack_offsets[i+1]]`` (indices into ``frames``,
    leaf first, inlined frames expanded) and values ``values[i, :]``.
    """

    source: str
    kind: str
    sample_types: list[tuple[str, str]]
    frames: list[Frame]
    stack_offsets: np.ndarray  # int64, n+1
    stack_frames: np.ndarray  # int32 indices into frames
    values: np.ndarray  # int64, (n, len(sample_types))
    default_sample_type: str = ""
    period_type: tuple[str, str] | None = None
    period: int = 0
    time_nanos: int = 0
    duration_nanos: int = 0
    comments: list[str] = field(default_factory=list)
    doc_url: str = ""
    drop_frames: str = ""
    keep_frames: str = ""
    mappings: list[Mapping] = field(default_factory=list)
    # Per-sample labels, decoded on demand (see labels()).
    _label_loader: object = None
    # Goroutine dumps only: per-sample wait state, minutes blocked, leaked flag,
    # and the creation site (index into frames, -1 when unknown).
    wait_state: list[str] | None = None
    wait_minutes: np.ndarray | None = None
    leaked: np.ndarray | None = None
    created_by: np.ndarray | None = None

    @property
    def n_samples(self) -> int:
        return int(self.values.shape[0])

    def type_names(self) -> list[str]:
        return [t for t, _ in self.sample_types]

    def type_index(self, name: str | None) -> int:
        """Index of sample type ``name`` (default: the profile's default, else the last)."""
        names = self.type_names()
        if not name:
            name = self.default_sample_type or names[-1]
        if name not in names:
            from goretain.errors import UserError

            raise UserError(
                f"{self.source}: no sample type {name!r} (has: {', '.join(names)})"
            )
        return names.index(name)

    def unit(self, index: int) -> str:
        return self.sample_types[index][1]

    def labels(self, i: int) -> list[Label]:
        loader = self._label_loader
        return loader(i) if callable(loader) else []

    def stack(self, i: int) -> list[Frame]:
        a, b = int(self.stack_offsets[i]), int(self.stack_offsets[i + 1])
        return [self.frames[j] for j in self.stack_frames[a:b]]

    def main_binary(self) -> Mapping | None:
        return self.mappings[0] if self.mappings else None


def classify(sample_types: list[tuple[str, str]], default: str, period_type: tuple[str, str] | None) -> str:
    names = {t for t, _ in sample_types}
    if {"inuse_space", "inuse_objects"} <= names:
        return ALLOCS if default.startswith("alloc") else HEAP
    if {"alloc_space", "alloc_objects"} <= names:
        return ALLOCS
    if "goroutineleak" in names:
        return GOROUTINELEAK
    if "goroutine" in names:
        return GOROUTINE
    if "cpu" in names or (period_type is not None and period_type[0] == "cpu"):
        return CPU
    return OTHER
