"""goretain trend SNAPSHOT... — growth per call site across snapshots, with verdicts."""

from __future__ import annotations

import argparse
import json

from goretain.commands.common import add_output_arguments, open_output, use_color
from goretain.profile import decode, report
from goretain.profile.cli_args import add_limit, add_site_arguments
from goretain.profile.trend import GROWING, LEAKING, trend

NAME = "trend"
HELP = "growth per call site across three or more snapshots, with a verdict per site"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "snapshots", nargs="+", metavar="SNAPSHOT",
        help="heap or goroutine profiles (or goroutine dumps), ordered by their timestamps",
    )
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
        "--fail-on", choices=("leaking", "growing", "never"), default="never",
        help="exit 1 when a site gets this verdict or a worse one (for CI)",
    )
    p.add_argument("--force", action="store_true", help="accept snapshots of different binaries")
    add_output_arguments(p, ("text", "json"))


def run(args: argparse.Namespace) -> int:
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
    fail = {"leaking": {LEAKING}, "growing": {LEAKING, GROWING}, "never": set()}[args.fail_on]
    return 1 if any(s.verdict in fail for s in result.sites) else 0
