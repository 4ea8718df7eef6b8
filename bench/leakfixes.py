"""Leak-fix pairs: recall on the code before a fix, silence on the code after it.

``bench/leakfixes/*.txt`` holds realistic before/after pairs of Go leak fixes, written
apart from the rule fixtures in the style of fixes to well-known Go services: 86 in a
first round (``[a-i]_*.txt``) and 53 in a second, independent one (``r2_*.txt``). Each
case starts with a header ``### caseNN GOVERSION CATEGORY FILE.go``, then the code before
the fix, a line ``---after---`` and the code after it; ``=== file: NAME.go`` starts an
extra file. In the "before" code, ``// LEAK`` marks the lines the fix changes.

The script writes every case as two Go modules into a temporary directory, runs
``goretain check --format json`` on each, and reports per case:

- hit: ``Y`` a finding within 2 lines of a ``// LEAK`` line, ``R`` only one of its related
  locations is, ``-`` none (a finding elsewhere in the file counts as an extra);
- whether the finding's category is the case's category;
- whether the "after" code is silent (any finding there is a false positive).

    python bench/leakfixes.py [--show] [--cases case01,case02]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

SPECS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "leakfixes")
TOLERANCE = 2


@dataclass
class Case:
    name: str
    go: str
    category: str  # "...-NONLEAK" suffix: the pair shows a hand-off that must stay silent
    files: dict[str, dict[str, str]] = field(default_factory=dict)  # before/after -> file -> source


def read_cases(only: set[str] | None) -> list[Case]:
    out: list[Case] = []
    for spec in sorted(os.listdir(SPECS)):
        if not spec.endswith(".txt"):
            continue
        with open(os.path.join(SPECS, spec), encoding="utf-8") as fh:
            parts = re.split(r"^### ", fh.read(), flags=re.M)
        for part in parts[1:]:
            header, body = part.split("\n", 1)
            name, go, category, fname = header.split()
            if only and name not in only:
                continue
            case = Case(name, go, category)
            before, after = body.split("---after---\n")
            for kind, src in (("before", before), ("after", after)):
                chunks = re.split(r"^=== file: (\S+)\n", src, flags=re.M)
                files = {fname: chunks[0].rstrip() + "\n"}
                files.update({n: b.rstrip() + "\n" for n, b in zip(chunks[1::2], chunks[2::2], strict=False)})
                case.files[kind] = files
            out.append(case)
    return out


def write_module(root: str, case: Case, kind: str) -> str:
    d = os.path.join(root, f"{case.name}_{kind}")
    os.makedirs(d)
    with open(os.path.join(d, "go.mod"), "w", encoding="utf-8") as fh:
        fh.write(f"module example.com/{case.name}\n\ngo {case.go}\n")
    for name, src in case.files[kind].items():
        with open(os.path.join(d, name), "w", encoding="utf-8") as fh:
            fh.write(src)
    return d


def check(d: str) -> list[dict]:
    exe = shutil.which("goretain") or os.path.join(os.path.dirname(sys.executable), "goretain")
    proc = subprocess.run([exe, "check", "--no-cache", "--format", "json", "."], cwd=d, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{d}: goretain exited {proc.returncode}: {proc.stderr.strip()}")
    return json.loads(proc.stdout)["findings"]


def leak_lines(case: Case) -> dict[str, set[int]]:
    return {name: {i for i, line in enumerate(src.splitlines(), 1) if "// LEAK" in line}
            for name, src in case.files["before"].items()}


def near(path: str, line: int, marks: dict[str, set[int]]) -> bool:
    return any(abs(line - m) <= TOLERANCE for m in marks.get(os.path.basename(path), set()))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", default="", help="comma-separated case names (default: all)")
    ap.add_argument("--show", action="store_true", help="print every finding")
    args = ap.parse_args()
    cases = read_cases(set(filter(None, args.cases.split(","))) or None)
    with tempfile.TemporaryDirectory(prefix="goretain-leakfixes-") as root:
        dirs = [write_module(root, c, k) for c in cases for k in ("before", "after")]
        with ThreadPoolExecutor(max(1, os.cpu_count() or 1)) as pool:
            results = dict(zip(dirs, pool.map(check, dirs), strict=True))
    hits = related = category = silent = 0
    extras: list[str] = []
    print(f"{'case':8} {'category':44} {'hit':3} {'rules':14} {'after'}")
    for c in cases:
        before = results[os.path.join(root, f"{c.name}_before")]
        after = results[os.path.join(root, f"{c.name}_after")]
        marks = leak_lines(c)
        primary = [f for f in before if near(f["path"], f["line"], marks)]
        via_rel = [f for f in before if f not in primary
                   and any(near(r["path"], r["line"], marks) for r in f.get("related", []))]
        found = primary + via_rel
        cat = c.category.split("-NONLEAK")[0]
        hits += bool(primary)
        related += bool(found)
        category += any(f["category"] == cat for f in found)
        silent += not after
        extras += [f"{c.name} before {f['rule']} {os.path.basename(f['path'])}:{f['line']} {f['message']}"
                   for f in before if f not in found]
        extras += [f"{c.name} AFTER  {f['rule']} {os.path.basename(f['path'])}:{f['line']} {f['message']}" for f in after]
        mark = "Y" if primary else ("R" if found else "-")
        rules = ",".join(sorted({f["rule"] for f in found}))
        after_txt = "silent" if not after else "FLAGGED " + ",".join(sorted({f["rule"] for f in after}))
        print(f"{c.name:8} {c.category[:44]:44} {mark:3} {rules:14} {after_txt}")
    n = len(cases)
    print(f"\nbefore: finding at the fixed lines {hits}/{n}; there or via a related location {related}/{n}; "
          f"right category {category}/{n}")
    print(f"after: silent {silent}/{n}")
    if args.show or extras:
        print("\nfindings away from the fixed lines, and findings after the fix:")
        for e in extras:
            print("  " + e)
    return 0


if __name__ == "__main__":
    sys.exit(main())
