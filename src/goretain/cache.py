"""Content-hash cache of per-package results, so an unchanged re-scan is nearly free.

A package's key hashes everything its findings depend on: goretain's version, the rule
set and settings, the working directory (paths in findings are relative to it), the
module's go.mod facts, the bytes of each of its files, and the bytes of the same-module
packages it imports (the resolver reads their declarations).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
from collections.abc import Callable, Iterator

from goretain import __version__
from goretain.analysis import AnalysisOptions, PackageResult
from goretain.source.loader import PackageSpec

_IMPORT_BLOCK = re.compile(rb"^import\s*\(([^)]*)\)", re.MULTILINE)
_IMPORT_LINE = re.compile(rb'^import\s+(?:[\w.]+\s+)?"([^"]+)"', re.MULTILINE)
_QUOTED = re.compile(rb'"([^"]+)"')

Runner = Callable[[list[PackageSpec], AnalysisOptions, int], Iterator[PackageResult]]


def default_dir() -> str:
    base = os.environ.get("GORETAIN_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "goretain"
    )
    return os.path.join(base, "results-v1")


def _imports(src: bytes) -> list[bytes]:
    # Imports precede every declaration: scan only the file's head.
    end = len(src)
    for decl in (b"\nfunc ", b"\ntype ", b"\nvar ", b"\nconst "):
        i = src.find(decl)
        if 0 <= i < end:
            end = i
    head = src[:end]
    out = [m.group(1) for m in _IMPORT_LINE.finditer(head)]
    for block in _IMPORT_BLOCK.finditer(head):
        out.extend(_QUOTED.findall(block.group(1)))
    return out


class ResultCache:
    def __init__(self, directory: str | None, salt: bytes) -> None:
        self.directory = directory
        self.salt = salt
        self._dir_hashes: dict[str, bytes] = {}

    @classmethod
    def for_run(cls, options: AnalysisOptions, disabled: bool = False) -> ResultCache:
        salt = repr((__version__, options.rule_ids, options.context, os.getcwd())).encode()
        return cls(None if disabled else default_dir(), salt)

    def _dir_hash(self, directory: str) -> bytes:
        """Hash of a sibling package's non-test files (what the resolver may read)."""
        h = self._dir_hashes.get(directory)
        if h is None:
            d = hashlib.sha1()
            try:
                names = sorted(n for n in os.listdir(directory) if n.endswith(".go") and not n.endswith("_test.go"))
            except OSError:
                names = []
            for n in names:
                try:
                    with open(os.path.join(directory, n), "rb") as fh:
                        d.update(n.encode() + b"\0" + hashlib.sha1(fh.read()).digest())
                except OSError:
                    d.update(n.encode() + b"\0unreadable")
            h = self._dir_hashes[directory] = d.digest()
        return h

    def key(self, spec: PackageSpec) -> str:
        h = hashlib.sha256(self.salt)
        mod = spec.module
        h.update(repr((spec.directory, spec.explicit, mod, sorted(spec.named))).encode())
        siblings: set[str] = set()
        for path in spec.files:
            try:
                with open(path, "rb") as fh:
                    src = fh.read()
            except OSError:
                src = b"\0unreadable"
            h.update(path.encode() + b"\0" + hashlib.sha1(src).digest())
            if mod is not None:
                for imp in _imports(src):
                    d = mod.dir_for(imp.decode("utf-8", "replace"))
                    if d is not None:
                        siblings.add(d)
        for d in sorted(siblings):
            h.update(d.encode() + self._dir_hash(d))
        return h.hexdigest()

    def _path(self, key: str) -> str:
        assert self.directory is not None
        return os.path.join(self.directory, key[:2], key + ".pkl")

    def _get(self, key: str) -> PackageResult | None:
        try:
            with open(self._path(key), "rb") as fh:
                obj = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return None
        return obj if isinstance(obj, PackageResult) else None

    def _put(self, key: str, result: PackageResult) -> None:
        path = self._path(key)
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            tmp = f"{path}.{os.getpid()}.tmp"
            with open(tmp, "wb") as fh:
                pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            pass  # a cache that cannot be written only costs time

    def run(self, specs: list[PackageSpec], options: AnalysisOptions, jobs: int, runner: Runner) -> Iterator[PackageResult]:
        if self.directory is None:
            yield from runner(specs, options, jobs)
            return
        misses: list[PackageSpec] = []
        keys: dict[str, str] = {}
        for spec in specs:
            k = self.key(spec)
            hit = self._get(k)
            if hit is not None:
                yield hit
            else:
                keys[spec.directory] = k
                misses.append(spec)
        for result in runner(misses, options, jobs):
            self._put(keys[result.directory], result)
            yield result
