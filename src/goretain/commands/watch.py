"""goretain watch URL... — scrape live services, store every snapshot, give a leak verdict."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
from collections.abc import Iterator

from goretain.commands.common import add_output_arguments, open_output, use_color
from goretain.errors import UserError
from goretain.live import targets as targets_mod
from goretain.live.history import series_report
from goretain.live.report import TargetReport, write_watch
from goretain.live.schedule import Watcher
from goretain.live.timeparse import seconds
from goretain.live.verdict import Options
from goretain.live.view import LiveView, LogView
from goretain.profile.model import MODES
from goretain.profile.trend import FAIL_ON
from goretain.store import Store, open_store


def add_verdict_arguments(p: argparse.ArgumentParser) -> None:
    """Flags shared with ``trend --store``."""
    p.add_argument("--site", choices=MODES, default="user", help="what a call site is (default: first frame in your code)")
    p.add_argument("--module", action="append", default=[], metavar="PATH", help="import path prefix of your code (repeatable)")
    p.add_argument("--min-growth", type=float, metavar="N", help="growth below N (bytes or goroutines) is never a leak")
    p.add_argument("--max-points", type=int, default=240, metavar="N", help="thin long series to N snapshots for the statistics (default 240)")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("urls", nargs="*", metavar="URL", help="service base URL serving /debug/pprof/ (e.g. http://127.0.0.1:6060)")
    p.add_argument("--targets", metavar="FILE", help="TOML file with one [[targets]] table (name, url) per service")
    p.add_argument("--interval", default="10s", metavar="DURATION", help="scrape every DURATION (default 10s)")
    p.add_argument("--duration", metavar="DURATION", help="stop after DURATION (default: until Ctrl-C)")
    p.add_argument("--timeout", metavar="DURATION", help="per-request timeout (default: the interval, at most 10s)")
    p.add_argument("--store", default="goretain.db", metavar="FILE", help="SQLite store (default goretain.db)")
    p.add_argument("--fail-on", choices=tuple(FAIL_ON), default="never", help="exit 1 when a target gets this verdict or a worse one")
    p.add_argument("--window", type=int, default=60, metavar="N", help="live verdict over the last N snapshots (default 60)")
    p.add_argument("--log-every", default="10s", metavar="DURATION", help="without a terminal: a status line per target at most every DURATION")
    p.add_argument("--no-live", action="store_true", help="plain log lines even on a terminal")
    add_verdict_arguments(p)
    p.add_argument("-n", "--limit", type=int, default=5, metavar="N", help="sites per kind in the final report (default 5)")
    add_output_arguments(p, ("text", "json"))


def options(args: argparse.Namespace) -> Options:
    return Options(args.site, tuple(args.module), args.min_growth, args.max_points)


@contextlib.contextmanager
def _sigterm_stops(watcher: Watcher) -> Iterator[None]:
    try:
        old = signal.signal(signal.SIGTERM, lambda *_: watcher.stop.set())
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def final_report(store: Store, watcher: Watcher, opts: Options) -> list[TargetReport]:
    """Per target, the verdict over its whole current series (earlier watches included)."""
    out = []
    for st in watcher.states:
        series = store.series_info(st.series.id) if st.series else None
        verdict = series_report(store, series, opts)
        out.append(TargetReport(
            st.target.name, st.target.url, verdict, series, st.series_seen,
            sorted(st.problems.values(), key=lambda p: (-p.count, p.endpoint)), st.rounds, st.stored,
        ))
    return out


def run(args: argparse.Namespace) -> int:
    if args.targets and args.urls:
        raise UserError("give URLs or --targets FILE, not both")
    if not args.targets and not args.urls:
        raise UserError("watch needs a URL (e.g. http://127.0.0.1:6060) or --targets FILE")
    targets = targets_mod.from_file(args.targets) if args.targets else targets_mod.from_urls(args.urls)
    interval = seconds(args.interval, "--interval")
    duration = seconds(args.duration, "--duration") if args.duration else None
    timeout = seconds(args.timeout, "--timeout") if args.timeout else max(0.5, min(10.0, interval))
    if args.window < 3:
        raise UserError("--window must be at least 3")
    opts = options(args)
    live = not args.no_live and sys.stdout.isatty()
    with open_store(args.store) as store:
        log = LogView(sys.stderr, seconds(args.log_every, "--log-every"))
        watcher = Watcher(targets, store, log, interval, timeout, opts, args.window)
        view = LiveView(watcher.states, use_color(args, sys.stdout)) if live else log
        watcher.view = view
        log.event("watch", f"{len(targets)} target(s) every {interval:g}s into {args.store}"
                  + (f" for {duration:g}s" if duration else " until Ctrl-C"))
        try:
            with _sigterm_stops(watcher):
                watcher.run(duration)
        except KeyboardInterrupt:
            pass
        finally:
            view.close()
        reports = final_report(store, watcher, opts)
    with open_output(args.output) as out:
        write_watch(out, reports, "watch", args.store, args.limit, args.format, use_color(args, out))
    if not any(r.stored for r in reports):
        raise UserError("no target answered: nothing stored")
    fail = FAIL_ON[args.fail_on]
    return 1 if any(r.verdict.verdict in fail for r in reports) else 0
