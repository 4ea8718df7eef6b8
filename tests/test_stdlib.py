"""goretain check over the whole Go standard library: no internal error, ever."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import go_binary


def test_check_whole_stdlib(tmp_path: object) -> None:
    goroot = subprocess.run([go_binary(), "env", "GOROOT"], capture_output=True, text=True, check=True).stdout.strip()
    out = os.path.join(str(tmp_path), "std.json")
    proc = subprocess.run(
        [sys.executable, "-m", "goretain", "check", "--no-cache", "--format", "json", "-o", out,
         os.path.join(goroot, "src") + "/..."],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
    with open(out, encoding="utf-8") as fh:
        doc = json.load(fh)
    assert doc["tool"] == "goretain"
    # The corpus has files that do not parse on purpose; they are errors, not crashes.
    assert all(e["path"] and e["message"] for e in doc["errors"])
