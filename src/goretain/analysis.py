"""Run the rules over packages: parse one package at a time, in worker processes.

A worker reads and parses one directory's files, builds the Package model, runs every
enabled rule and the suppression pass, and sends back only findings and errors, so the
parent never holds syntax trees.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from goretain.findings import Finding, InputError
from goretain.rules.base import RuleContext, all_rules
from goretain.source.gomod import Module
from goretain.source.loader import PackageSpec
from goretain.source.package import GENERATED, Package, SourceFile, display_path, file_imports
from goretain.source.syntax import clear_index, first_error, parse, text


@dataclass(frozen=True)
class AnalysisOptions:
    rule_ids: tuple[str, ...]
    context: RuleContext = field(default_factory=RuleContext)


@dataclass
class PackageResult:
    directory: str
    findings: list[Finding]
    errors: list[InputError]
    files: int = 0
    lines: int = 0


def _package_name(root: object) -> str:
    for c in root.named_children:  # type: ignore[attr-defined]
        if c.type == "package_clause":
            for ident in c.named_children:
                return text(ident)
    return ""


_BUILD_IGNORE = b"//go:build ignore"


class _ParsedFiles:
    """Recently parsed files by path, bounded by source bytes. A worker often parses a
    file twice (once as an analysed package, once as a sibling the resolver reads);
    identical bytes give an identical tree, so the second parse is skipped."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.files: OrderedDict[str, SourceFile] = OrderedDict()

    def get(self, path: str, src: bytes) -> SourceFile | None:
        sf = self.files.get(path)
        if sf is None or sf.src != src:
            return None
        self.files.move_to_end(path)
        return sf

    def put(self, sf: SourceFile) -> None:
        old = self.files.pop(sf.abspath, None)
        if old is not None:
            self.size -= len(old.src)
        self.files[sf.abspath] = sf
        self.size += len(sf.src)
        while self.size > self.max_bytes and len(self.files) > 1:
            _, gone = self.files.popitem(last=False)
            self.size -= len(gone.src)


_PARSED = _ParsedFiles(12 << 20)


def read_files(spec: PackageSpec) -> tuple[list[SourceFile], list[InputError], int]:
    """Parse a directory's files. Bad files become InputErrors; the rest is analysed."""
    files: list[SourceFile] = []
    errors: list[InputError] = []
    nlines = 0
    for path in spec.files:
        shown = display_path(path)
        try:
            with open(path, "rb") as fh:
                src = fh.read()
        except OSError as exc:
            errors.append(InputError(shown, f"cannot read: {exc.strerror}"))
            continue
        try:
            src.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = src.count(b"\n", 0, exc.start) + 1
            col = exc.start - (src.rfind(b"\n", 0, exc.start) + 1) + 1
            errors.append(InputError(shown, f"not valid UTF-8 at line {line}, column {col}", line))
            continue
        head = src[:4096]
        if path not in spec.named and ((b"Code generated" in src and GENERATED.search(src)) or _BUILD_IGNORE in head):
            continue
        nlines += src.count(b"\n")
        sf = _PARSED.get(path, src)
        if sf is None or sf.path != shown or sf.is_test != path.endswith("_test.go"):
            tree = parse(src)
            root = tree.root_node
            sf = SourceFile(shown, path, src, tree, _package_name(root), file_imports(root), path.endswith("_test.go"))
            _PARSED.put(sf)
        err = first_error(sf.root)
        if err is not None:
            line = err.start_point[0] + 1
            what = "missing " + err.type if err.is_missing else "syntax error"
            errors.append(InputError(shown, f"{what} near line {line}, column {err.start_point[1] + 1}", line))
            # A partial tree still gets analysed: rules only see well-formed functions.
        files.append(sf)
    return files, errors, nlines


class SiblingLoader:
    """Loads other packages of a module on demand, keeping only a few (bounded memory)."""

    def __init__(self, capacity: int = 64) -> None:
        self.capacity = capacity
        self.cache: OrderedDict[str, Package | None] = OrderedDict()

    def __call__(self, module: Module, import_path: str) -> Package | None:
        if import_path in self.cache:
            self.cache.move_to_end(import_path)
            return self.cache[import_path]
        directory = module.dir_for(import_path)
        pkg: Package | None = None
        if directory is not None and os.path.isdir(directory):
            names = sorted(n for n in os.listdir(directory) if n.endswith(".go") and not n.endswith("_test.go"))
            spec = PackageSpec(directory, [os.path.join(directory, n) for n in names], module)
            files, _, _ = read_files(spec)
            if files:
                name = files[0].package_name
                pkg = Package(name, directory, [f for f in files if f.package_name == name], module, self)
        self.cache[import_path] = pkg
        if len(self.cache) > self.capacity:
            self.cache.popitem(last=False)
        return pkg


_SIBLINGS = SiblingLoader()


def packages_of(spec: PackageSpec, files: list[SourceFile]) -> list[Package]:
    """Split a directory's files by package clause (p and p_test are separate packages)."""
    groups: dict[str, list[SourceFile]] = {}
    for f in files:
        groups.setdefault(f.package_name, []).append(f)
    return [Package(name, spec.directory, fs, spec.module, _SIBLINGS) for name, fs in groups.items()]


def analyse_spec(spec: PackageSpec, options: AnalysisOptions) -> PackageResult:
    from goretain.processing import apply_suppressions

    files, errors, nlines = read_files(spec)
    rules = all_rules()
    findings: list[Finding] = []
    for pkg in packages_of(spec, files):
        found: list[Finding] = []
        for rid in options.rule_ids:
            rule = rules[rid]
            try:
                found.extend(rule.check(pkg, options.context))
            except RecursionError:
                errors.append(InputError(display_path(spec.directory), f"{rid}: input too deeply nested"))
        findings.extend(apply_suppressions(found, pkg.files, set(options.rule_ids)))
    clear_index()
    return PackageResult(spec.directory, findings, errors, len(files), nlines)


def _analyse_star(args: tuple[PackageSpec, AnalysisOptions]) -> PackageResult:
    return analyse_spec(*args)


def run(specs: list[PackageSpec], options: AnalysisOptions, jobs: int) -> Iterator[PackageResult]:
    """Analyse every spec; results stream back as packages finish."""
    if jobs <= 1 or len(specs) <= 1:
        for s in specs:
            yield analyse_spec(s, options)
        return
    # Big packages first so the last worker is not left with a giant one.
    order = sorted(specs, key=lambda s: -len(s.files))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(_analyse_star, [(s, options) for s in order], chunksize=4)
