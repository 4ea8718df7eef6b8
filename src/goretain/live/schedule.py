"""The watch loop: one thread per target scrapes every interval; results go to the store.

* A round whose target does not answer (down, hang, connection closed) is retried
  with exponential backoff (interval x 2^k, capped); an endpoint that answers badly
  (404 for goroutineleak on an old Go, 500, garbage) is skipped with its own backoff
  while the others keep being scraped.
* Each problem is reported to the view once (and once more when it clears), and
  counted; every occurrence is also an event in the store.
* Each round is one store transaction; a restart of the target (see identity) starts
  a new series; a watch that finds the same process as the store's latest series
  resumes it.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from goretain.live import identity
from goretain.live import scrape as scrape_mod
from goretain.live.targets import Target
from goretain.live.verdict import KINDS, Options, Verdict, analyse
from goretain.profile.types import Profile
from goretain.store import SeriesInfo, Store


class View(Protocol):
    def event(self, target: str, message: str) -> None: ...
    def update(self, state: TargetState) -> None: ...


class Backoff:
    """Per key: how many failures in a row, and when the next try is allowed."""

    def __init__(self, base: float, cap: float) -> None:
        self.base, self.cap = base, cap
        self._fails: dict[str, int] = {}
        self._next: dict[str, float] = {}

    def ready(self, key: str, now: float) -> bool:
        return now >= self._next.get(key, 0.0)

    def fail(self, key: str, now: float) -> float:
        k = self._fails.get(key, 0) + 1
        self._fails[key] = k
        delay = min(self.base * 2 ** min(k, 30), self.cap)
        self._next[key] = now + delay
        return delay

    def ok(self, key: str) -> int:
        """Clear ``key``; returns how many failures it had in a row."""
        self._next.pop(key, None)
        return self._fails.pop(key, 0)


@dataclass
class ProblemCount:
    endpoint: str
    kind: str
    message: str
    count: int = 0
    active: bool = True


@dataclass
class TargetState:
    target: Target
    target_id: int
    window: int
    series: SeriesInfo | None = None
    mark: dict = field(default_factory=dict)
    profiles: dict[str, deque[Profile]] = field(default_factory=dict)
    memstats: dict | None = None
    verdict: Verdict | None = None
    status: str = "starting"
    rounds: int = 0
    stored: int = 0
    series_seen: list[int] = field(default_factory=list)
    problems: dict[tuple[str, str], ProblemCount] = field(default_factory=dict)
    last_scrape_ns: int = 0

    def reset_window(self) -> None:
        self.profiles = {k: deque(maxlen=self.window) for k in KINDS}
        self.verdict = None


class Watcher:
    def __init__(
        self,
        targets: list[Target],
        store: Store,
        view: View,
        interval: float,
        timeout: float,
        opts: Options,
        window: int = 60,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store, self.view, self.interval, self.timeout, self.opts = store, view, interval, timeout, opts
        self.clock = clock
        self.stop = threading.Event()
        self.lock = threading.Lock()
        cap = max(interval, min(30.0, 8 * interval))
        self.target_backoff = Backoff(interval, cap)
        self.endpoint_backoff = Backoff(interval, max(cap, min(300.0, 64 * interval)))
        self.states = [TargetState(t, store.target_id(t.name, t.url), window) for t in targets]
        for st in self.states:
            st.reset_window()
        self.closed = False

    # ---- running ---------------------------------------------------------

    def run(self, duration: float | None) -> None:
        """Scrape until ``duration`` seconds pass or stop is set (Ctrl-C, SIGTERM)."""
        deadline = None if duration is None else self.clock() + duration
        threads = [
            threading.Thread(target=self._loop, args=(st, deadline), name=f"watch-{st.target.name}", daemon=True)
            for st in self.states
        ]
        for t in threads:
            t.start()
        try:
            while any(t.is_alive() for t in threads):
                left = None if deadline is None else deadline - self.clock()
                if left is not None and left <= 0:
                    break
                self.stop.wait(0.2 if left is None else min(0.2, left))
                if self.stop.is_set():
                    break
        finally:
            self.stop.set()
            end = time.monotonic() + self.timeout + 1
            for t in threads:
                t.join(max(0.0, end - time.monotonic()))
            with self.lock:
                self.closed = True

    def _loop(self, st: TargetState, deadline: float | None) -> None:
        next_at = self.clock()
        name = st.target.name
        while not self.stop.is_set():
            wait = next_at - self.clock()
            if wait > 0 and self.stop.wait(wait):
                break
            now = self.clock()
            if deadline is not None and now >= deadline:
                break
            eps = [ep for ep in scrape_mod.ENDPOINTS if self.endpoint_backoff.ready(f"{name} {ep.name}", now)]
            result = scrape_mod.scrape(st.target, eps, self.timeout)
            self._handle(st, result)
            if not result.reached:
                next_at = self.clock() + self.target_backoff.fail(name, self.clock())
            else:
                self.target_backoff.ok(name)
                next_at += self.interval
                if next_at < self.clock():
                    next_at = self.clock()

    # ---- one round -------------------------------------------------------

    def _handle(self, st: TargetState, s: scrape_mod.Scrape) -> None:
        with self.lock:
            if self.closed:
                return
            st.rounds += 1
            st.last_scrape_ns = s.time_ns
            self._problems(st, s)
            if s.profiles or s.memstats:
                self._store(st, s)
            st.status = "ok" if s.reached and "heap" in s.ok else (
                next((p.kind for p in s.problems if p.fatal), None) or ("partial" if s.ok else "failing")
            )
            self.view.update(st)

    def _problems(self, st: TargetState, s: scrape_mod.Scrape) -> None:
        name = st.target.name
        now = self.clock()
        failed = {p.endpoint for p in s.problems}
        for p in s.problems:
            key = (p.endpoint, p.kind)
            pc = st.problems.get(key)
            if pc is None:
                pc = st.problems[key] = ProblemCount(p.endpoint, p.kind, p.message, active=False)
            pc.count += 1
            if not pc.active:
                pc.active = True
                retry = "retrying with backoff" if p.fatal else "skipping it, retrying with backoff"
                self.view.event(name, f"{p.endpoint}: {p.kind}: {p.message} ({retry})")
            if not p.fatal:
                self.endpoint_backoff.fail(f"{name} {p.endpoint}", now)
            self.store.add_event(st.target_id, s.time_ns, p.endpoint, p.kind, p.message)
        for ep in s.ok:
            self.endpoint_backoff.ok(f"{name} {ep}")
        reached = s.reached
        for pc in st.problems.values():
            cleared = pc.endpoint in s.ok or (pc.kind in scrape_mod.FATAL and reached)
            if pc.active and cleared and pc.endpoint not in failed:
                pc.active = False
                self.view.event(name, f"{pc.endpoint}: {pc.kind} cleared after {pc.count} time(s) in all")

    def _store(self, st: TargetState, s: scrape_mod.Scrape) -> None:
        name = st.target.name
        mark = identity.mark_of(s)
        if st.series is None:
            latest = self.store.latest_series(st.target_id)
            if latest is not None and latest.snapshots and identity.restart_reason(latest.mark, mark) is None:
                st.series, st.mark = latest, latest.mark
                self._preload(st)
                self.view.event(name, f"resuming series {latest.id} ({latest.snapshots} snapshots stored)")
            else:
                reason = "first watch" if latest is None else (
                    identity.restart_reason(latest.mark, mark) or "new watch"
                )
                self._new_series(st, s, mark, reason)
        else:
            reason = identity.restart_reason(st.mark, mark)
            if reason is not None:
                self._new_series(st, s, mark, reason)
                self.view.event(name, f"restarted ({reason}): new series {st.series.id if st.series else '?'}")
        assert st.series is not None
        st.mark = identity.merge(st.mark, mark)
        profiles = [s.profiles[k] for k in KINDS if k in s.profiles]
        self.store.add_snapshot(st.series.id, s.time_ns, profiles, s.memstats, st.mark)
        st.stored += 1
        st.memstats = s.memstats or st.memstats
        for k in KINDS:
            if k in s.profiles:
                prof = s.profiles[k][0]
                prof.time_nanos = s.time_ns  # our clock orders the snapshots
                st.profiles[k].append(prof)
        st.verdict = analyse({k: list(v) for k, v in st.profiles.items()}, self.opts)

    def _new_series(self, st: TargetState, s: scrape_mod.Scrape, mark: dict, reason: str) -> None:
        sid = self.store.new_series(st.target_id, s.time_ns, reason, mark)
        st.series = self.store.series_info(sid)
        st.series_seen.append(sid)
        st.mark = mark
        st.reset_window()

    def _preload(self, st: TargetState) -> None:
        assert st.series is not None
        st.series_seen.append(st.series.id)
        for k in KINDS:
            rows = self.store.profile_rows(st.series.id, k)[-st.window :]
            st.profiles[k].extend(self.store.load(rows, st.target.name))
