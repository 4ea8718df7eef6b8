"""A misbehaving pprof server for the watch tests.

It serves real profile bytes (captured from a real Go process) in order, one per
request, with /debug/vars counters that grow as a live process's do, and can be
told to answer 404/500, to hang, to return garbage, to go down, or to come back as
a new process (counters from zero).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FaultServer:
    def __init__(self, port: int, profiles: dict[str, list[bytes]], cmdline: list[str]) -> None:
        self.port = port
        self.profiles = profiles
        self.cmdline = cmdline
        self.mode: dict[str, str] = {}  # endpoint -> ok | 404 | 500 | hang | garbage
        self.default = "ok"
        self.index: dict[str, int] = {}
        self.served_ok: dict[str, int] = {}
        self.num_gc = 0
        self.generation = 0
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    # ---- control ---------------------------------------------------------

    def start(self) -> None:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                outer.handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def restart(self) -> None:
        """Down and up again as a new process: counters and profile sequence from zero."""
        self.stop()
        with self.lock:
            self.index.clear()
            self.num_gc = 0
            self.generation += 1
        self.start()

    # ---- serving ---------------------------------------------------------

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path.split("?")[0]
        name = path.rsplit("/", 1)[-1]
        mode = self.mode.get(name, self.default)
        if mode == "hang":
            time.sleep(3)
            return self._send(h, 200, b"late")
        if mode in ("404", "500"):
            return self._send(h, int(mode), f"{mode} from the fault server\n".encode())
        if mode == "garbage":
            return self._send(h, 200, b"\x1f\x8b this is not gzip" if name != "vars" else b"{not json")
        if name == "vars":
            with self.lock:
                self.num_gc += 1
                doc = {"cmdline": self.cmdline, "memstats": {"NumGC": self.num_gc, "HeapAlloc": 1 << 20}}
            return self._send(h, 200, json.dumps(doc).encode())
        if name == "cmdline":
            return self._send(h, 200, "\x00".join(self.cmdline).encode())
        seq = self.profiles.get(name)
        if not seq:
            return self._send(h, 404, b"404 page not found\n")
        with self.lock:
            i = self.index.get(name, 0)
            self.index[name] = i + 1
            data = seq[min(i, len(seq) - 1)]
        if self._send(h, 200, data):
            with self.lock:
                self.served_ok[name] = self.served_ok.get(name, 0) + 1

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, body: bytes) -> bool:
        try:
            h.send_response(status)
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body)
            h.wfile.flush()
            return True
        except OSError:
            return False
