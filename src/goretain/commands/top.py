"""goretain top PROFILE — the biggest call sites of one profile."""

from __future__ import annotations

import argparse
import json

from goretain.commands.common import add_output_arguments, open_output
from goretain.profile import decode, report
from goretain.profile.cli_args import add_limit, add_site_arguments
from goretain.profile.top import top

NAME = "top"
HELP = "what a pprof profile (or goroutine dump) holds, by call site"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("profile", metavar="PROFILE", help="pprof profile (.pb.gz or raw) or text goroutine dump")
    add_site_arguments(p)
    add_limit(p)
    p.add_argument("--sort", choices=("flat", "cum"), default="flat", help="order by flat or cumulative value")
    add_output_arguments(p, ("text", "json"))


def run(args: argparse.Namespace) -> int:
    prof = decode.load(args.profile)
    result = top(
        prof, args.sample_type, args.site, args.module, args.focus, args.ignore, args.limit, args.sort
    )
    with open_output(args.output) as out:
        if args.format == "json":
            json.dump(report.top_json(result), out, indent=2)
            out.write("\n")
        else:
            out.write(report.top_text(result))
    return 0
