"""GoBench score: kernel-level recall of goretain's goroutine rules on the GoKer kernels.

The Go runtime ships the blocking GoKer kernels of "GoBench" in
``$GOROOT/src/runtime/testdata/testgoroutineleakprofile/goker/`` (one kernel per file) and
lists, in ``$GOROOT/src/runtime/goroutineleakprofile_test.go``, the goroutines each kernel
is expected to leak (as regexps over the goroutine's entry frame, e.g.
``Cockroach1055\\.func2\\(``). This script

1. blanks every comment of each kernel (the comments explain the bugs) keeping lines and
   columns, and writes each kernel into its own directory so it is its own package;
2. runs ``goretain check --format json`` once over all of them;
3. maps the expected frames to source ranges (function declarations and numbered func
   literals, minus literals started with ``go`` inside them, which are other goroutines);
4. counts a kernel as flagged when a goroutine-category finding (GR2xx/GR4xx) lies inside
   an expected leaking goroutine, and prints the table and the totals.

    python bench/gobench.py [--goroot DIR] [--kernels a,b] [--show] [--json]
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
from dataclasses import dataclass, field

GOKER = os.path.join("src", "runtime", "testdata", "testgoroutineleakprofile", "goker")
LEAK_TEST = os.path.join("src", "runtime", "goroutineleakprofile_test.go")
GOROUTINE_RULES = ("GR2", "GR4")


def goroot() -> str:
    go = shutil.which("go") or os.path.join(os.path.dirname(sys.executable), "go")
    return subprocess.run([go, "env", "GOROOT"], check=True, capture_output=True, text=True).stdout.strip()


# --- comments -------------------------------------------------------------------------------

def blank_comments(src: str) -> str:
    """``src`` with every comment character replaced by a space (newlines kept)."""
    out = list(src)
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c in "\"'":
            i += 1
            while i < n and src[i] != c and src[i] != "\n":
                i += 2 if src[i] == "\\" else 1
            i += 1
        elif c == "`":
            j = src.find("`", i + 1)
            i = n if j < 0 else j + 1
        elif src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            out[i:j] = " " * (j - i)
            i = j
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out[i:j] = ["\n" if ch == "\n" else " " for ch in src[i:j]]
            i = j
        else:
            i += 1
    return "".join(out)


# --- expected leaks -------------------------------------------------------------------------

_CASE = re.compile(r'make(?:Flaky)?Test\((?:testCase\{name:\s*)?"(\w+)"\}?,?((?:\s*`[^`]*`,?)*)')
_PATTERN = re.compile(r"`([^`]*)`")


def expected_leaks(test_src: str) -> dict[str, list[str]]:
    """Kernel name -> regexps of the entry frames of its leaking goroutines.

    Reads the GoKer section, commented-out cases included (they still name real leaks)."""
    start = test_src.find("gokerTestCases")
    section = test_src[start:] if start >= 0 else test_src
    section = re.sub(r"^\s*//", "", section, flags=re.MULTILINE)
    out: dict[str, list[str]] = {}
    for m in _CASE.finditer(section):
        pats = [p.split(r" \[")[0] for p in _PATTERN.findall(m.group(2))]
        out.setdefault(m.group(1), []).extend(pats)
    return out


# --- frames -> source ranges ----------------------------------------------------------------

@dataclass
class Frame:
    name: str  # as the runtime prints it without "main.": "(*T).M.func1", "F.func2.1"
    start: int  # 1-based lines, inclusive
    end: int
    holes: list[tuple[int, int]] = field(default_factory=list)  # nested goroutines
    calls: set[str] = field(default_factory=set)  # names of functions/methods it calls

    def covers(self, line: int) -> bool:
        return self.start <= line <= self.end and not any(a <= line <= b for a, b in self.holes)


def frames(src: bytes) -> list[Frame]:
    """Every function, method and func literal of a file with its runtime frame name."""
    from goretain.source.syntax import descendants, parse, text

    root = parse(src).root_node
    out: list[Frame] = []
    decls: dict[str, Frame] = {}
    for top in root.named_children:
        if top.type == "function_declaration":
            name = text(top.child_by_field_name("name"))
        elif top.type == "method_declaration":
            name = _method_frame(top)
        else:
            continue
        fr = _frame(name, top)
        out.append(fr)
        decls[text(top.child_by_field_name("name"))] = fr
        body = top.child_by_field_name("body")
        if body is not None:
            _literals(body, name, out, top=True)
    # `go f(x)` with a named function: the goroutine's entry is a wrapper "F.gowrapN".
    for top in root.named_children:
        if top.type not in ("function_declaration", "method_declaration"):
            continue
        owner = text(top.child_by_field_name("name")) if top.type == "function_declaration" else _method_frame(top)
        k = 0
        for g in descendants(top, "go_statement"):
            call = g.named_children[0] if g.named_children else None
            fn = call.child_by_field_name("function") if call is not None and call.type == "call_expression" else None
            if fn is None or fn.type == "func_literal":
                continue
            k += 1
            callee = text(fn.child_by_field_name("field") if fn.type == "selector_expression" else fn)
            target = decls.get(callee)
            if target is not None:
                out.append(Frame(f"{owner}.gowrap{k}", target.start, target.end, list(target.holes), set(target.calls)))
    return out


def _method_frame(m: object) -> str:
    from goretain.source.syntax import descendants, text

    recv = m.child_by_field_name("receiver")  # type: ignore[attr-defined]
    name = text(m.child_by_field_name("name"))  # type: ignore[attr-defined]
    ptr = False
    tname = ""
    if recv is not None:
        for p in descendants(recv, "parameter_declaration"):
            t = p.child_by_field_name("type")
            while t is not None and t.type in ("pointer_type", "generic_type", "parenthesized_type"):
                ptr = ptr or t.type == "pointer_type"
                t = t.child_by_field_name("type") if t.type == "generic_type" else (t.named_children[0] if t.named_children else None)
            tname = text(t)
            break
    return f"(*{tname}).{name}" if ptr else f"{tname}.{name}"


def _frame(name: str, node: object) -> Frame:
    from goretain.source.syntax import descendants, text

    fr = Frame(name, node.start_point[0] + 1, node.end_point[0] + 1)  # type: ignore[attr-defined]
    for c in descendants(node, "call_expression"):  # type: ignore[arg-type]
        fn = c.child_by_field_name("function")
        if fn is not None and not fr_in_go(c):
            fr.calls.add(text(fn.child_by_field_name("field") if fn.type == "selector_expression" else fn))
    for g in descendants(node, "go_statement"):  # type: ignore[arg-type]
        call = g.named_children[0] if g.named_children else None
        fn = call.child_by_field_name("function") if call is not None and call.type == "call_expression" else None
        if fn is not None and fn.type == "func_literal":
            fr.holes.append((fn.start_point[0] + 1, fn.end_point[0] + 1))
    return fr


def fr_in_go(call: object) -> bool:
    p = call.parent  # type: ignore[attr-defined]
    return p is not None and p.type == "go_statement"


def reachable(leaking: list[Frame], frs: list[Frame]) -> list[Frame]:
    """The leaking frames plus the same-file functions and methods they call (by name),
    transitively: code a goroutine runs in a callee is still that goroutine."""
    by_name: dict[str, list[Frame]] = {}
    for fr in frs:
        if ".func" not in fr.name and ".gowrap" not in fr.name:
            by_name.setdefault(fr.name.rsplit(".", 1)[-1], []).append(fr)
    out = list(leaking)
    seen = {id(f) for f in out}
    i = 0
    while i < len(out):
        for name in out[i].calls:
            for callee in by_name.get(name, []):
                if id(callee) not in seen:
                    seen.add(id(callee))
                    out.append(callee)
        i += 1
    return out


def _literals(node: object, prefix: str, out: list[Frame], top: bool) -> None:
    """Number the func literals directly inside ``node`` (nested ones get their own counter)."""
    k = 0
    stack = list(reversed(node.named_children))  # type: ignore[attr-defined]
    while stack:
        n = stack.pop()
        if n.type == "func_literal":
            k += 1
            name = f"{prefix}.func{k}" if top else f"{prefix}.{k}"
            out.append(_frame(name, n))
            body = n.child_by_field_name("body")
            if body is not None:
                _literals(body, name, out, top=False)
            continue
        stack.extend(reversed(n.named_children))


# --- running --------------------------------------------------------------------------------

@dataclass
class KernelScore:
    kernel: str
    file: str
    cls: str
    expected: int
    findings: list[dict] = field(default_factory=list)
    hits: list[dict] = field(default_factory=list)  # inside a leaking goroutine's entry function
    reach_hits: list[dict] = field(default_factory=list)  # inside it or a function it calls

    @property
    def flagged(self) -> bool:
        return bool(self.hits)


def kernel_classes(readme: str) -> dict[str, str]:
    """Kernel file stem -> "Type/Sub-type" from the GoKer README tables."""
    out: dict[str, str] = {}
    for m in re.finditer(r"\|\[(\w+)#(\d+)\]\|[^|]*\|[^|]*\|\s*([^|]+?)\s*\|\s*([^|]+?)\s*\|", readme):
        out[f"{m.group(1).lower()}{m.group(2)}"] = m.group(3)
    return out


def run(root: str, only: set[str] | None = None) -> list[KernelScore]:
    kdir = os.path.join(root, GOKER)
    with open(os.path.join(root, LEAK_TEST), encoding="utf-8") as fh:
        leaks = expected_leaks(fh.read())
    readme = ""
    if os.path.exists(os.path.join(kdir, "README.md")):
        with open(os.path.join(kdir, "README.md"), encoding="utf-8") as fh:
            readme = fh.read()
    classes = kernel_classes(readme)
    files = sorted(f for f in os.listdir(kdir) if f.endswith(".go") and f != "main.go")
    reg = re.compile(r'register(?:Init)?\("(\w+)"')
    tmp = tempfile.mkdtemp(prefix="goretain-gobench-")
    scores: dict[str, KernelScore] = {}
    srcs: dict[str, bytes] = {}
    dirs: list[str] = []
    try:
        for f in files:
            stem = f[:-3]
            if only and stem not in only:
                continue
            with open(os.path.join(kdir, f), encoding="utf-8") as fh:
                raw = fh.read()
            names = reg.findall(raw)
            kernel = next((n for n in names if n in leaks), names[0] if names else stem)
            d = os.path.join(tmp, stem)
            os.makedirs(d)
            stripped = blank_comments(raw)
            with open(os.path.join(d, f), "w", encoding="utf-8") as fh:
                fh.write(stripped)
            srcs[stem] = stripped.encode()
            dirs.append(d)
            scores[stem] = KernelScore(kernel, f, classes.get(stem, "?"), len(leaks.get(kernel, [])))
        env = dict(os.environ, GORETAIN_CACHE_DIR=os.path.join(tmp, ".cache"))
        proc = subprocess.run(
            [sys.executable, "-m", "goretain", "check", "--no-cache", "--format", "json", *dirs],
            capture_output=True, text=True, env=env, cwd=tmp,
        )
        if proc.returncode not in (0, 1):
            raise SystemExit(f"goretain failed ({proc.returncode}):\n{proc.stderr}")
        report = json.loads(proc.stdout)
        for f in report.get("findings", []):
            stem = os.path.basename(os.path.dirname(os.path.join(tmp, f["path"])))
            ks = scores.get(stem)
            if ks is None:
                continue
            ks.findings.append(f)
        for stem, ks in scores.items():
            frs = frames(srcs[stem])
            pats = [re.compile(p) for p in leaks.get(ks.kernel, [])]
            leaking = [fr for fr in frs if any(p.search(fr.name + "(0x0)") for p in pats)]
            wider = reachable(leaking, frs)
            for f in ks.findings:
                if not f["rule"].startswith(GOROUTINE_RULES):
                    continue
                if any(fr.covers(f["line"]) for fr in leaking):
                    ks.hits.append(f)
                if any(fr.covers(f["line"]) for fr in wider):
                    ks.reach_hits.append(f)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return list(scores.values())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--goroot", default=None)
    ap.add_argument("--kernels", default="", help="comma-separated file stems (default: all)")
    ap.add_argument("--show", action="store_true", help="print every finding")
    ap.add_argument("--json", action="store_true", help="machine-readable output")
    args = ap.parse_args()
    only = {k.strip() for k in args.kernels.split(",") if k.strip()} or None
    scores = run(args.goroot or goroot(), only)
    if args.json:
        print(json.dumps([{"kernel": s.kernel, "class": s.cls, "flagged": s.flagged,
                           "reach": bool(s.reach_hits), "findings": len(s.findings), "hits": [h["rule"] for h in s.hits]} for s in scores], indent=1))
        return 0
    print(f"{'kernel':<18} {'class':<14} {'flag':<5} {'reach':<6} {'hits':<18} findings")
    by_class: dict[str, list[int]] = {}
    for s in scores:
        rules = ",".join(sorted({h["rule"] for h in s.hits}))
        other = len(s.findings)
        reach = "yes" if s.reach_hits else "-"
        print(f"{s.file[:-3]:<18} {s.cls:<14} {'yes' if s.flagged else '-':<5} {reach:<6} {rules:<18} {other}")
        if args.show:
            for f in s.findings:
                mark = "*" if f in s.hits else " "
                print(f"   {mark} {f['rule']} {f['line']}: {f['message'][:150]}")
        c = by_class.setdefault(s.cls, [0, 0, 0])
        c[0] += s.flagged
        c[1] += bool(s.reach_hits)
        c[2] += 1
    flagged = sum(s.flagged for s in scores)
    print()
    print(f"  {'class':<14} {'strict':>8} {'reach':>8}")
    for cls, (a, r, b) in sorted(by_class.items()):
        print(f"  {cls:<14} {a:3d} / {b:<3d} {r:3d} / {b:<3d}")
    reach = sum(bool(s.reach_hits) for s in scores)
    print(f"kernels flagged (finding in the leaking goroutine's entry function): {flagged} / {len(scores)}")
    print(f"kernels flagged (... or in a same-file function it calls):           {reach} / {len(scores)}")
    print(f"findings: {sum(len(s.findings) for s in scores)}"
          f" (in leaking goroutines: {sum(len(s.hits) for s in scores)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
