"""One scrape of one target: fetch its profiles and /debug/vars, parse, report problems.

Every failure becomes a :class:`Problem` with a short kind (``down``, ``timeout``,
``closed``, ``http 404``, ``http 500``, ``garbage``...) and never an exception: the
scheduler decides what to retry. ``down``/``timeout``/``closed`` are *fatal*: the
target did not answer, so the rest of the round is skipped.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from goretain import __version__
from goretain.live.targets import Target
from goretain.profile import decode
from goretain.profile.types import GOROUTINE, GOROUTINELEAK, HEAP, Profile

MAX_BODY = 512 << 20


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    kind: str | None  # profile kind expected, None for JSON/text endpoints


HEAP_EP = Endpoint("heap", "/debug/pprof/heap?gc=1", HEAP)
GOROUTINE_EP = Endpoint("goroutine", "/debug/pprof/goroutine", GOROUTINE)
LEAK_EP = Endpoint("goroutineleak", "/debug/pprof/goroutineleak", GOROUTINELEAK)
VARS_EP = Endpoint("vars", "/debug/vars", None)
CMDLINE_EP = Endpoint("cmdline", "/debug/pprof/cmdline", None)
ENDPOINTS = (HEAP_EP, GOROUTINE_EP, LEAK_EP, VARS_EP, CMDLINE_EP)

DOWN, TIMEOUT, CLOSED, GARBAGE, ERROR = "down", "timeout", "closed", "garbage", "error"
FATAL = {DOWN, TIMEOUT, CLOSED}

# The memstats fields we keep (the rest, like BySize and PauseNs, is bulk).
MEMSTATS_FIELDS = (
    "Alloc", "TotalAlloc", "Sys", "Mallocs", "Frees", "HeapAlloc", "HeapSys", "HeapIdle",
    "HeapInuse", "HeapReleased", "HeapObjects", "StackInuse", "NumGC", "NextGC", "PauseTotalNs",
)


@dataclass(frozen=True)
class Problem:
    endpoint: str
    kind: str  # down, timeout, closed, http NNN, garbage, error
    message: str

    @property
    def fatal(self) -> bool:
        return self.kind in FATAL


@dataclass
class Scrape:
    target: Target
    time_ns: int
    profiles: dict[str, tuple[Profile, bytes]] = field(default_factory=dict)
    memstats: dict[str, Any] | None = None
    cmdline: list[str] | None = None
    problems: list[Problem] = field(default_factory=list)
    ok: set[str] = field(default_factory=set)
    seconds: float = 0.0

    @property
    def reached(self) -> bool:
        return not any(p.fatal for p in self.problems)


class FetchError(Exception):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def fetch(url: str, timeout: float, max_bytes: int = MAX_BODY) -> bytes:
    """GET ``url``; the whole exchange (connect, headers, body) must fit in ``timeout``."""
    u = urllib.parse.urlsplit(url)
    deadline = time.monotonic() + timeout
    cls = http.client.HTTPSConnection if u.scheme == "https" else http.client.HTTPConnection
    conn = cls(u.hostname or "", u.port, timeout=timeout)
    target = u.path + (f"?{u.query}" if u.query else "")
    try:
        conn.request("GET", target, headers={"User-Agent": f"goretain/{__version__}", "Accept-Encoding": "identity"})
        resp = conn.getresponse()
        if resp.status != 200:
            body = resp.read(300).decode("utf-8", "replace").strip().splitlines()
            hint = f": {body[0][:80]}" if body else ""
            raise FetchError(f"http {resp.status}", f"HTTP {resp.status} {resp.reason}{hint}")
        chunks, size = [], 0
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise FetchError(TIMEOUT, f"body not complete after {timeout:g}s")
            if conn.sock is not None:
                conn.sock.settimeout(left)
            chunk = resp.read1(1 << 16)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(GARBAGE, f"body larger than {max_bytes >> 20} MiB")
            chunks.append(chunk)
        return b"".join(chunks)
    except FetchError:
        raise
    except TimeoutError:
        raise FetchError(TIMEOUT, f"no answer within {timeout:g}s") from None
    except ConnectionRefusedError:
        raise FetchError(DOWN, "connection refused") from None
    except http.client.RemoteDisconnected:
        raise FetchError(CLOSED, "closed the connection without answering") from None
    except http.client.IncompleteRead as exc:
        raise FetchError(GARBAGE, f"truncated body ({len(exc.partial)} bytes)") from None
    except (http.client.BadStatusLine, http.client.LineTooLong) as exc:
        raise FetchError(GARBAGE, f"not an HTTP answer ({type(exc).__name__})") from None
    except ssl.SSLError as exc:
        raise FetchError(ERROR, f"TLS: {exc.reason or exc}") from None
    except socket.gaierror as exc:
        raise FetchError(DOWN, f"cannot resolve {u.hostname}: {exc.strerror}") from None
    except (ConnectionError, OSError) as exc:
        raise FetchError(DOWN, exc.strerror or type(exc).__name__) from None
    except http.client.HTTPException as exc:
        raise FetchError(GARBAGE, f"bad HTTP answer ({type(exc).__name__})") from None
    finally:
        conn.close()


def parse_vars(data: bytes) -> tuple[dict[str, Any], list[str] | None]:
    """(memstats subset, cmdline) from expvar's JSON."""
    try:
        doc = json.loads(data)
    except (UnicodeDecodeError, ValueError):
        raise FetchError(GARBAGE, "not JSON") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("memstats"), dict):
        raise FetchError(GARBAGE, "JSON without memstats (expvar not imported?)")
    ms = doc["memstats"]
    memstats = {k: ms[k] for k in MEMSTATS_FIELDS if isinstance(ms.get(k), int)}
    cmd = doc.get("cmdline")
    cmdline = [str(x) for x in cmd] if isinstance(cmd, list) else None
    return memstats, cmdline


def scrape(target: Target, endpoints: list[Endpoint], timeout: float) -> Scrape:
    """Fetch ``endpoints`` of ``target`` in order; stop at the first fatal problem."""
    t0 = time.monotonic()
    out = Scrape(target, time.time_ns())
    for ep in endpoints:
        if ep is CMDLINE_EP and out.cmdline is not None:
            continue
        try:
            data = fetch(target.endpoint(ep.path), timeout)
            if ep.kind is not None:
                out.profiles[ep.name] = (_profile(data, target, ep), data)
            elif ep is VARS_EP:
                out.memstats, out.cmdline = parse_vars(data)
            elif ep is CMDLINE_EP:
                out.cmdline = [a for a in data.decode("utf-8", "replace").split("\x00") if a]
            out.ok.add(ep.name)
        except FetchError as exc:
            out.problems.append(Problem(ep.name, exc.kind, str(exc)))
            if exc.kind in FATAL:
                break
    out.seconds = time.monotonic() - t0
    return out


def _profile(data: bytes, target: Target, ep: Endpoint) -> Profile:
    try:
        prof = decode.parse(data, f"{target.name} {ep.name}")
    except decode.ProfileError as exc:
        msg = str(exc).split(": ", 1)[-1]
        raise FetchError(GARBAGE, msg) from None
    except Exception as exc:  # noqa: BLE001 - any decoder failure is bad input, not our crash
        raise FetchError(GARBAGE, f"undecodable ({type(exc).__name__})") from None
    if prof.kind != ep.kind:
        raise FetchError(GARBAGE, f"expected a {ep.kind} profile, got {prof.kind}")
    return prof
