"""``diff``: growth per site between two profiles of the same type."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from goretain.errors import UserError
from goretain.profile.model import Site, aggregate, compile_patterns, sample_mask
from goretain.profile.types import Profile

GROWN, SHRUNK, NEW, VANISHED, SAME = "grown", "shrunk", "new", "vanished", "unchanged"


@dataclass
class DiffRow:
    site: Site
    base: int  # after normalisation
    new: int
    status: str

    @property
    def delta(self) -> int:
        return self.new - self.base

    @property
    def rel(self) -> float | None:
        """Relative growth (0.5 = +50%); None for a new site."""
        return (self.new - self.base) / self.base if self.base else None


@dataclass
class DiffResult:
    base: Profile
    new: Profile
    sample_type: str
    unit: str
    mode: str
    scale: float
    base_total: int
    new_total: int
    rows: list[DiffRow]
    counts: dict[str, int]


def check_comparable(profiles: Sequence[Profile], force: bool = False) -> None:
    """Refuse profiles of different types or (unless forced) of different programs."""
    first = profiles[0]
    for p in profiles[1:]:
        if p.kind != first.kind or p.type_names() != first.type_names():
            raise UserError(
                f"cannot compare a {first.kind} profile ({first.source}: {', '.join(first.type_names())}) "
                f"with a {p.kind} profile ({p.source}: {', '.join(p.type_names())})"
            )
        a, b = first.main_binary(), p.main_binary()
        if not force and a and b and a.filename and b.filename:
            na, nb = a.filename.rsplit("/", 1)[-1], b.filename.rsplit("/", 1)[-1]
            if na != nb:
                raise UserError(
                    f"{first.source} and {p.source} come from different programs ({na} vs {nb}); "
                    "pass --force to compare anyway"
                )


def diff(
    base: Profile,
    new: Profile,
    sample_type: str | None = None,
    mode: str = "user",
    modules: Sequence[str] = (),
    focus: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    normalize: bool = False,
    force: bool = False,
) -> DiffResult:
    check_comparable([base, new], force)
    if not sample_type:
        sample_type = new.type_names()[new.type_index(None)]
    fpat, ipat = compile_patterns(focus, "--focus"), compile_patterns(ignore, "--ignore")
    tb = aggregate(base, base.type_index(sample_type), mode, modules, sample_mask(base, fpat, ipat), with_cum=False)
    tn = aggregate(new, new.type_index(sample_type), mode, modules, sample_mask(new, fpat, ipat), with_cum=False)
    scale = tn.total / tb.total if normalize and tb.total else 1.0
    base_vals: dict[str, int] = {}
    sites: dict[str, Site] = {}
    for i in np.flatnonzero(tb.flat).tolist():
        s = tb.sites[i]
        base_vals[s.key] = base_vals.get(s.key, 0) + int(round(int(tb.flat[i]) * scale))
        sites[s.key] = s
    new_vals: dict[str, int] = {}
    for i in np.flatnonzero(tn.flat).tolist():
        s = tn.sites[i]
        new_vals[s.key] = new_vals.get(s.key, 0) + int(tn.flat[i])
        sites[s.key] = s
    rows = []
    counts = {GROWN: 0, SHRUNK: 0, NEW: 0, VANISHED: 0, SAME: 0}
    for key, site in sites.items():
        b, n = base_vals.get(key, 0), new_vals.get(key, 0)
        if key not in base_vals:
            status = NEW
        elif key not in new_vals:
            status = VANISHED
        else:
            status = GROWN if n > b else SHRUNK if n < b else SAME
        counts[status] += 1
        rows.append(DiffRow(site, b, n, status))
    rows.sort(key=lambda r: (-r.delta, -r.new, r.site.key))
    return DiffResult(
        base, new, sample_type, tn.unit, mode, scale,
        int(round(tb.total * scale)), tn.total, rows, counts,
    )
