#!/usr/bin/env python3
"""Bounded load for examples/leakyservice: a few threads, a fixed rate, a fixed duration.

    python3 examples/loadgen.py http://127.0.0.1:8080 --seconds 60 --rate 20

Every tick (1/rate seconds) it sends one request to each leaky endpoint and a few to
the healthy one. Standard library only; keep-alive connections, one per thread.
"""

from __future__ import annotations

import argparse
import http.client
import sys
import threading
import time
import urllib.parse

UPLOAD = b"x" * 4096


class Client:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: bytes | None = None) -> int:
        for _ in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=5)
            try:
                self.conn.request(method, path, body=body)
                resp = self.conn.getresponse()
                resp.read()
                return resp.status
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
        return 0


def worker(base: str, jobs: list[tuple[str, str, bytes | None]], rate: float, until: float,
           counts: dict[str, int], lock: threading.Lock) -> None:
    u = urllib.parse.urlsplit(base)
    client = Client(u.hostname or "127.0.0.1", u.port or 80)
    tick = 1.0 / rate
    n = 0
    next_at = time.monotonic()
    while time.monotonic() < until:
        for method, path, body in jobs:
            status = client.request(method, path.format(n=n, t=threading.get_ident()), body)
            with lock:
                key = f"{path.split('?')[0]} {status}"
                counts[key] = counts.get(key, 0) + 1
        n += 1
        next_at += tick
        time.sleep(max(0.0, next_at - time.monotonic()))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("base", help="service URL, e.g. http://127.0.0.1:8080")
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--rate", type=float, default=20, help="ticks per second per worker")
    args = ap.parse_args()
    until = time.monotonic() + args.seconds
    counts: dict[str, int] = {}
    lock = threading.Lock()
    plans = [
        [("GET", "/login?user=u{n}", None)] + [("GET", "/lookup?q={t}-{n}-" + str(k), None) for k in range(4)],
        [("POST", "/upload?id={n}", UPLOAD), ("GET", "/quote", None)],
        [("GET", "/healthy", None)] * 3,
    ]
    threads = [
        threading.Thread(target=worker, args=(args.base, jobs, args.rate, until, counts, lock), daemon=True)
        for jobs in plans
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("loadgen:", ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
