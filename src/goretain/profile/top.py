"""``top``: the biggest sites of one profile."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from goretain.profile.model import Site, SiteTable, aggregate, compile_patterns, sample_mask
from goretain.profile.types import Profile


@dataclass
class TopRow:
    site: Site
    flat: int
    cum: int


@dataclass
class TopResult:
    profile: Profile
    table: SiteTable
    rows: list[TopRow]
    mode: str
    sort: str
    shown_samples: int


def top(
    prof: Profile,
    sample_type: str | None = None,
    mode: str = "user",
    modules: Sequence[str] = (),
    focus: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    limit: int = 20,
    sort: str = "flat",
) -> TopResult:
    t = prof.type_index(sample_type)
    mask = sample_mask(prof, compile_patterns(focus, "--focus"), compile_patterns(ignore, "--ignore"))
    table = aggregate(prof, t, mode, modules, mask)
    key = table.cum if sort == "cum" else table.flat
    other = table.flat if sort == "cum" else table.cum
    nz = np.flatnonzero((table.flat != 0) | (table.cum != 0))
    # Biggest first; ties broken by the other column, then by site order (stable).
    order = nz[np.lexsort((-np.abs(other[nz]), -np.abs(key[nz])))].tolist()
    if limit > 0:
        order = order[:limit]
    rows = [TopRow(table.sites[i], int(table.flat[i]), int(table.cum[i])) for i in order]
    shown = int(mask.sum()) if mask is not None else prof.n_samples
    return TopResult(prof, table, rows, mode, sort, shown)
