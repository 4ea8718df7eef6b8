"""Benchmark: `goretain check` over the Go standard library against `gofmt -l`.

Both tools see the same files (goretain's loader decides which: testdata/, vendor/
and generated files are skipped) and run in this same process's session, so the ratio
is machine-independent enough to compare runs. Also times a warm re-scan, where every
package comes from the content-hash cache.

    python bench/static_std.py [--jobs N] [--goroot DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time


def goroot() -> str:
    go = shutil.which("go") or os.path.join(os.path.dirname(sys.executable), "go")
    return subprocess.run([go, "env", "GOROOT"], check=True, capture_output=True, text=True).stdout.strip()


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, subprocess.CompletedProcess[str]]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    return time.perf_counter() - t0, proc


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--goroot", default=None)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    root = args.goroot or goroot()
    src = os.path.join(root, "src")

    from goretain.source.loader import load

    specs = load([src + "/..."])
    files = [f for s in specs for f in s.files]
    nlines = 0
    for f in files:
        with open(f, "rb") as fh:
            nlines += fh.read().count(b"\n")
    gofmt = os.path.join(root, "bin", "gofmt")
    print(f"corpus: {src}: {len(files)} files, {nlines:,} lines, {len(specs)} directories")

    t_gofmt, _ = timed([gofmt, "-l", *files])

    cache = tempfile.mkdtemp(prefix="goretain-bench-")
    env = dict(os.environ, GORETAIN_CACHE_DIR=cache)
    cmd = [sys.executable, "-m", "goretain", "check", "-j", str(args.jobs), "--format", "json",
           "-o", os.devnull, src + "/..."]
    t_cold, proc = timed(cmd, env)
    if proc.returncode not in (0, 1):
        print(proc.stderr, file=sys.stderr)
        return 1
    t_warm, proc = timed(cmd, env)
    shutil.rmtree(cache, ignore_errors=True)

    print(f"gofmt -l            {t_gofmt:7.2f} s  {nlines / t_gofmt:12,.0f} lines/s")
    print(f"goretain (cold)     {t_cold:7.2f} s  {nlines / t_cold:12,.0f} lines/s  ratio to gofmt {t_cold / t_gofmt:.2f}x (target <= 2.0x)")
    print(f"goretain (cached)   {t_warm:7.2f} s  warm/cold {t_warm / t_cold:.1%} (target <= 10%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
