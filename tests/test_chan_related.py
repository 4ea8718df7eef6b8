"""GR202/GR203 related locations: the channel's make (also in a helper), one finding per
channel and shape, the stop case that does not leave its loop."""

from __future__ import annotations

import os

from tests.conftest import TESTDATA
from tests.wantcheck import run_dir


def _lines(name: str, rule: str) -> list[tuple[int, list[tuple[int, str]]]]:
    found = run_dir(os.path.join(TESTDATA, name), (rule,))
    return sorted((f.location.line, [(r.location.line, r.message) for r in f.related]) for f in found)


def test_sends_of_one_shape_are_one_finding_with_the_make() -> None:
    [(line, related)] = _lines("gr202_oneperchan", "GR202")
    assert line == 20
    assert (23, "another send with the same problem") in related
    assert (16, "channel made here") in related


def test_make_in_a_helper_is_related() -> None:
    found = _lines("gr202_helpermake", "GR202")
    assert [line for line, _ in found] == [20, 44]
    assert (15, "channel made here") in found[0][1]
    assert (19, "errc gets the channel from this call") in found[0][1]


def test_stop_case_finding_points_at_the_case() -> None:
    found = run_dir(os.path.join(TESTDATA, "gr203_stopcase"), ("GR203",))
    msgs = {f.location.line: f.message for f in found}
    assert "the case on ctx.Done() exists but does not leave the loop" in msgs[35]
    assert "the case on c.stop exists but does not leave the loop" in msgs[59]
