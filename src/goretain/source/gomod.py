"""go.mod: the module path and the `go` directive (some rules are version-gated)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache

from goretain.errors import UserError

_DIRECTIVES = {
    "module", "go", "toolchain", "require", "replace", "exclude", "retract",
    "godebug", "tool", "ignore",
}
_GO_VERSION = re.compile(r"^1(?:\.(\d+))(?:\.\d+|(?:rc|beta)\d+)?$")


@dataclass(frozen=True)
class Module:
    root: str  # directory holding go.mod
    path: str  # module path
    go_version: tuple[int, int] | None  # (1, 23) from `go 1.23.4`

    def dir_for(self, import_path: str) -> str | None:
        """The directory of a package of this module, or None when it lies outside."""
        if self.path in ("std", "cmd"):
            # GOROOT/src: std imports are bare paths ("net/http"), cmd's start with "cmd/".
            first = import_path.split("/", 1)[0]
            if "." in first or (self.path == "cmd") != (first == "cmd"):
                return None
            rel = import_path[len("cmd/"):] if self.path == "cmd" else import_path
            return os.path.join(self.root, rel)
        if import_path == self.path:
            return self.root
        if import_path.startswith(self.path + "/"):
            return os.path.join(self.root, import_path[len(self.path) + 1:])
        return None

    def import_path_of(self, directory: str) -> str:
        rel = os.path.relpath(directory, self.root).replace(os.sep, "/")
        if self.path == "std":
            return rel
        if self.path == "cmd":
            return "cmd" if rel == "." else f"cmd/{rel}"
        return self.path if rel == "." else f"{self.path}/{rel}"

    def at_least(self, minor: int) -> bool:
        """Whether the go directive is 1.minor or newer (unknown counts as newest)."""
        return self.go_version is None or self.go_version >= (1, minor)


def _strip_comment(line: str) -> str:
    i = line.find("//")
    return (line[:i] if i >= 0 else line).strip()


def parse_gomod(text: str, where: str) -> tuple[str, tuple[int, int] | None]:
    module_path = ""
    go_version: tuple[int, int] | None = None
    in_block = False
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = _strip_comment(raw)
        if not line:
            continue
        if in_block:
            if line == ")":
                in_block = False
            continue
        word, _, rest = line.partition(" ")
        rest = rest.strip()
        if word.endswith("(") and word[:-1] in _DIRECTIVES:
            in_block = True
            continue
        if word not in _DIRECTIVES:
            raise UserError(f"{where}:{lineno}: malformed go.mod: unknown directive {word!r}")
        if rest == "(":
            in_block = True
            continue
        if word == "module":
            module_path = rest.strip('"')
            if not module_path:
                raise UserError(f"{where}:{lineno}: malformed go.mod: empty module path")
        elif word == "go":
            m = _GO_VERSION.match(rest)
            if not m:
                raise UserError(f"{where}:{lineno}: malformed go.mod: invalid go version {rest!r}")
            go_version = (1, int(m.group(1)))
        elif not rest:
            raise UserError(f"{where}:{lineno}: malformed go.mod: {word} needs an argument")
    if in_block:
        raise UserError(f"{where}: malformed go.mod: unterminated block")
    if not module_path:
        raise UserError(f"{where}: malformed go.mod: no module directive")
    return module_path, go_version


@lru_cache(maxsize=1024)
def find_module(directory: str) -> Module | None:
    """The module containing ``directory`` (nearest go.mod upwards), or None."""
    d = os.path.abspath(directory)
    while True:
        gomod = os.path.join(d, "go.mod")
        if os.path.isfile(gomod):
            try:
                with open(gomod, encoding="utf-8") as fh:
                    content = fh.read()
            except (OSError, UnicodeDecodeError) as exc:
                raise UserError(f"cannot read {gomod}: {exc}") from exc
            path, version = parse_gomod(content, gomod)
            return Module(root=d, path=path, go_version=version)
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent
