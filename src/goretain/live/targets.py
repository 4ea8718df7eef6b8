"""Which services to watch: URLs on the command line, or a targets TOML file.

A targets file has one ``[[targets]]`` table per service, Prometheus-style::

    [[targets]]
    name = "api"                      # optional; default: host:port of the URL
    url = "http://127.0.0.1:6060"     # where /debug/pprof/ and /debug/vars are served

``[[target]]`` is accepted too. A URL may carry a path prefix
(``http://host/internal`` -> ``http://host/internal/debug/pprof/heap``).
"""

from __future__ import annotations

import sys
import urllib.parse
from dataclasses import dataclass

from goretain.errors import UserError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@dataclass(frozen=True)
class Target:
    name: str
    url: str  # base URL without a trailing slash

    def endpoint(self, path: str) -> str:
        return self.url + path


def normalize_url(raw: str, where: str = "") -> str:
    url = raw.strip()
    if "://" not in url:
        url = "http://" + url
    u = urllib.parse.urlsplit(url)
    if u.scheme not in ("http", "https") or not u.hostname:
        raise UserError(f"{where}{raw!r} is not an http(s) URL")
    try:
        u.port  # noqa: B018 - validates the port
    except ValueError:
        raise UserError(f"{where}{raw!r} has an invalid port") from None
    path = u.path.rstrip("/")
    for suffix in ("/debug/pprof", "/debug/vars"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
    return urllib.parse.urlunsplit((u.scheme, u.netloc, path, "", ""))


def default_name(url: str) -> str:
    u = urllib.parse.urlsplit(url)
    return u.netloc + u.path


def from_urls(urls: list[str]) -> list[Target]:
    return _unique([Target(default_name(n), n) for n in (normalize_url(u) for u in urls)])


def from_file(path: str) -> list[Target]:
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except OSError as exc:
        raise UserError(f"{path}: cannot read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{path}: invalid TOML: {exc}") from None
    entries = doc.get("targets", doc.get("target"))
    if not isinstance(entries, list) or not entries:
        raise UserError(f"{path}: no [[targets]] tables")
    out = []
    for i, e in enumerate(entries, 1):
        where = f"{path}: target {i}: "
        if not isinstance(e, dict) or not isinstance(e.get("url"), str):
            raise UserError(f"{where}needs url = \"http://host:port\"")
        url = normalize_url(e["url"], where)
        name = e.get("name", default_name(url))
        if not isinstance(name, str) or not name:
            raise UserError(f"{where}name must be a non-empty string")
        out.append(Target(name, url))
    return _unique(out)


def _unique(targets: list[Target]) -> list[Target]:
    seen: dict[str, Target] = {}
    for t in targets:
        if t.name in seen:
            if seen[t.name].url == t.url:
                continue
            raise UserError(f"two targets are named {t.name!r}; give them distinct names")
        seen[t.name] = t
    return list(seen.values())
