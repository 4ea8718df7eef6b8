"""goretain trend SNAPSHOT... — growth per call site across snapshots, with verdicts.

``goretain trend --store goretain.db`` analyses what ``goretain watch`` stored instead.
"""

from __future__ import annotations

import argparse
import json

from goretain.commands.common import add_output_arguments, open_output, use_color
from goretain.errors import UserError
from goretain.profile import decode, report
from goretain.profile.cli_args import add_limit, add_site_arguments
from goretain.profile.trend import FAIL_ON, trend

NAME = "trend"
HELP = "growth per call site across three or more snapshots, with a verdict per site"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "snapshots", nargs="*", metavar="SNAPSHOT",
        help="heap or goroutine profiles (or goroutine dumps), ordered by their timestamps",
    )
    p.add_argument("--store", metavar="FILE", help="analyse the snapshots goretain watch stored in FILE instead")
    p.add_argument("--target", metavar="NAME", help="with --store: only this target (default: all)")
    p.add_argument("--since", metavar="DURATION", help="with --store: only snapshots of the last DURATION (e.g. 1h)")
    p.add_argument("--series", type=int, metavar="ID", help="with --store: this series (default: each target's latest)")
    p.add_argument("--max-points", type=int, default=240, metavar="N", help="with --store: thin long series to N snapshots (default 240)")
    add_site_arguments(p)
    add_limit(p)
    p.add_argument(
        "--interval", type=float, metavar="SECONDS",
        help="snapshots were taken every SECONDS, in the order given (overrides timestamps)",
    )
    p.add_argument(
        "--min-growth", type=float, metavar="N",
        help="growth below N (bytes or goroutines) is never a leak (default: 64KiB or 0.5%% of the heap; 3 goroutines)",
    )
    p.add_argument(
        "--fail-on", choices=tuple(FAIL_ON), default="never",
        help="exit 1 when a site gets this verdict or a worse one (for CI)",
    )
    p.add_argument("--force", action="store_true", help="accept snapshots of different binaries")
    add_output_arguments(p, ("text", "json"))


def run(args: argparse.Namespace) -> int:
    if args.store:
        return _run_store(args)
    if any(getattr(args, a) is not None for a in ("target", "since", "series")):
        raise UserError("--target, --since and --series need --store")
    if not args.snapshots:
        raise UserError("trend needs snapshot files, or --store FILE")
    profiles = [decode.load(path) for path in args.snapshots]
    result = trend(
        profiles, args.sample_type, args.site, args.module, args.focus, args.ignore,
        args.interval, args.min_growth, args.force,
    )
    with open_output(args.output) as out:
        if args.format == "json":
            json.dump(report.trend_json(result, args.limit), out, indent=2)
            out.write("\n")
        else:
            out.write(report.trend_text(result, args.limit, use_color(args, out)))
    return 1 if any(s.verdict in FAIL_ON[args.fail_on] for s in result.sites) else 0


def _run_store(args: argparse.Namespace) -> int:
    from goretain.live.history import stored_reports
    from goretain.live.report import write_watch
    from goretain.live.timeparse import seconds
    from goretain.live.verdict import Options
    from goretain.store import open_store

    if args.snapshots:
        raise UserError("give snapshot files or --store, not both")
    if args.sample_type or args.focus or args.ignore or args.interval is not None:
        raise UserError("--sample-type, --focus, --ignore and --interval apply to snapshot files, not --store")
    since = seconds(args.since, "--since") if args.since else None
    opts = Options(args.site, tuple(args.module), args.min_growth, args.max_points)
    with open_store(args.store, readonly=True) as store:
        reports = stored_reports(store, args.target, args.series, since, opts)
    with open_output(args.output) as out:
        write_watch(out, reports, "trend", args.store, args.limit, args.format, use_color(args, out))
    return 1 if any(r.verdict.verdict in FAIL_ON[args.fail_on] for r in reports) else 0
