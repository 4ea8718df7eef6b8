"""Which Go files a `goretain check` run covers, grouped by directory.

Follows the go command's conventions: `./...` and `DIR/...` walk a tree, skipping
vendor/, testdata/ and directories starting with `.` or `_`; a named directory or
file is always taken, even under testdata/. Files are only listed here: reading and
parsing happen per package in the workers, so no run holds every syntax tree.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from goretain.errors import UserError
from goretain.source.gomod import Module, find_module

SKIP_DIRS = frozenset({"vendor", "testdata", "node_modules"})


@dataclass
class PackageSpec:
    """One directory's Go files to analyse together."""

    directory: str
    files: list[str] = field(default_factory=list)
    module: Module | None = None
    # The directory or one of its files was named (not found by a `...` walk).
    explicit: bool = False
    # Files named on the command line: generated and `//go:build ignore` files are only
    # analysed when named themselves.
    named: list[str] = field(default_factory=list)


def _skip_dir(name: str) -> bool:
    return name in SKIP_DIRS or name.startswith((".", "_"))


def _go_files(directory: str, include_tests: bool) -> list[str]:
    try:
        names = sorted(os.listdir(directory))
    except OSError as exc:
        raise UserError(f"cannot read directory {directory}: {exc.strerror}") from exc
    out = []
    for n in names:
        if not n.endswith(".go") or n.startswith((".", "_")):
            continue
        if not include_tests and n.endswith("_test.go"):
            continue
        p = os.path.join(directory, n)
        if os.path.isfile(p):
            out.append(p)
    return out


def _resolve_import_path(pattern: str) -> str | None:
    """Map `example.com/mod/pkg` to a directory when the current module is example.com/mod."""
    mod = find_module(os.getcwd())
    if mod is None:
        return None
    if pattern == mod.path or pattern.startswith(mod.path + "/"):
        return os.path.join(mod.root, pattern[len(mod.path):].lstrip("/")) or mod.root
    return None


def load(patterns: list[str], include_tests: bool = True) -> list[PackageSpec]:
    """Expand patterns into package specs, in a stable order. Raises UserError."""
    specs: dict[str, PackageSpec] = {}

    def add(directory: str, files: list[str], explicit: bool) -> None:
        directory = os.path.normpath(directory)
        spec = specs.get(directory)
        if spec is None:
            spec = specs[directory] = PackageSpec(directory, [], find_module(directory), explicit)
        spec.explicit = spec.explicit or explicit
        for f in files:
            if f not in spec.files:
                spec.files.append(f)

    for pattern in patterns or ["./..."]:
        recursive = pattern == "..." or pattern.endswith("/...")
        base = pattern[: -len("...")].rstrip("/") if recursive else pattern
        base = base or "."
        if not os.path.exists(base):
            mapped = _resolve_import_path(base)
            if mapped is None or not os.path.exists(mapped):
                raise UserError(f"{pattern}: no such file or directory")
            base = mapped
        if os.path.isfile(base):
            if not base.endswith(".go"):
                raise UserError(f"{pattern}: not a Go file")
            add(os.path.dirname(base) or ".", [base], explicit=True)
            specs[os.path.normpath(os.path.dirname(base) or ".")].named.append(base)
            continue
        found = 0
        if recursive:
            for root, dirs, _ in os.walk(base):
                dirs[:] = sorted(d for d in dirs if not _skip_dir(d))
                files = _go_files(root, include_tests)
                if files:
                    add(root, files, explicit=False)
                    found += len(files)
        else:
            files = _go_files(base, include_tests)
            if files:
                add(base, files, explicit=True)
                found = len(files)
        if not found:
            raise UserError(f"{pattern}: no Go files")
    return [specs[k] for k in sorted(specs)]
