"""Every directory under tests/testdata/src is a fixture package checked with all rules."""

from __future__ import annotations

import os

import pytest

from tests.conftest import TESTDATA
from tests.wantcheck import check_dir

FIXTURES = sorted(d for d in os.listdir(TESTDATA) if os.path.isdir(os.path.join(TESTDATA, d))) if os.path.isdir(TESTDATA) else []


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture(name: str) -> None:
    check_dir(os.path.join(TESTDATA, name))
