"""What the user sees while a watch runs.

* :class:`LogView` — plain lines on stderr: every event (a problem, a restart) once,
  and a status line per target at most every ``every`` seconds;
* :class:`LiveView` — a rich table redrawn in place when stdout is a terminal: per
  target heap in use, goroutines, the verdict and its top growing sites, each with a
  sparkline; events print above the table.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TYPE_CHECKING, Any, TextIO

from goretain.live.report import sparkline
from goretain.live.verdict import Verdict
from goretain.profile.units import fmt

if TYPE_CHECKING:
    from goretain.live.schedule import TargetState


def _stamp() -> str:
    return time.strftime("%H:%M:%S")


def _site_label(kind: str, s: Any) -> str:
    where = s.frame.short() if s.frame else "?"
    if "/" in where:
        fn, _, loc = where.partition(" ")
        where = f"{fn} {loc.rsplit('/', 1)[-1]}" if loc else fn
    return f"{kind}: {where}"


def summary(st: TargetState) -> str:
    v: Verdict | None = st.verdict
    parts = [f"{st.status}", f"{st.stored} stored"]
    if v is not None and v.heap_inuse:
        parts.append(f"heap {fmt(v.heap_inuse[-1], 'bytes')}")
    if v is not None and v.goroutines:
        parts.append(f"{v.goroutines[-1]} goroutines")
    parts.append(f"verdict {v.verdict if v else 'unknown'}")
    if v is not None:
        top = v.growing_sites(2)
        if top:
            parts.append("top: " + "; ".join(f"{_site_label(k, s)} {s.verdict}" for k, s in top))  # type: ignore[attr-defined]
    return ", ".join(parts)


class LogView:
    def __init__(self, stream: TextIO | None = None, every: float = 10.0) -> None:
        self.stream = stream or sys.stderr
        self.every = every
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def _print(self, line: str) -> None:
        with self._lock:
            print(line, file=self.stream, flush=True)

    def event(self, target: str, message: str) -> None:
        self._print(f"{_stamp()} {target}: {message}")

    def update(self, st: TargetState) -> None:
        now = time.monotonic()
        name = st.target.name
        if now - self._last.get(name, -1e9) < self.every:
            return
        self._last[name] = now
        self._print(f"{_stamp()} {name}: {summary(st)}")

    def close(self) -> None:
        pass


class LiveView:
    """A rich Live table; only used when stdout is a terminal."""

    def __init__(self, states: list[TargetState], color: bool = True) -> None:
        from rich.console import Console
        from rich.live import Live

        self.console = Console(no_color=not color, highlight=False)
        self.states = states
        self.live = Live(self._render(), console=self.console, refresh_per_second=4, transient=False)
        self.live.start()

    def _render(self) -> Any:
        from rich.table import Table

        t = Table(title="goretain watch  (Ctrl-C to stop and get the verdict)", expand=True)
        for col in ("target", "status", "heap in use", "goroutines", "verdict", "top growing sites"):
            t.add_column(col, overflow="fold")
        colors = {"leaking": "bold red", "growing": "yellow", "stable": "green"}
        for st in self.states:
            v = st.verdict
            heap = gor = sites = ""
            verdict = v.verdict if v else "unknown"
            if v is not None:
                if v.heap_inuse:
                    heap = f"{fmt(v.heap_inuse[-1], 'bytes')}\n{sparkline(v.heap_inuse, 16)}"
                if v.goroutines:
                    gor = f"{v.goroutines[-1]}\n{sparkline(v.goroutines, 16)}"
                rows = []
                for kind, s in v.growing_sites(3):
                    vals = s.values  # type: ignore[attr-defined]
                    rows.append(f"{sparkline(vals, 12)} {s.verdict:<7} {_site_label(kind, s)}")  # type: ignore[attr-defined]
                sites = "\n".join(rows)
            t.add_row(
                st.target.name, f"{st.status}\n{st.stored} stored", heap, gor,
                f"[{colors.get(verdict, 'dim')}]{verdict}[/]", sites,
            )
        return t

    def event(self, target: str, message: str) -> None:
        self.live.console.print(f"{_stamp()} {target}: {message}", markup=False)

    def update(self, st: TargetState) -> None:
        self.live.update(self._render())

    def close(self) -> None:
        self.live.update(self._render())
        self.live.stop()
