"""goretain diff BASE NEW — growth per call site between two profiles."""

from __future__ import annotations

import argparse
import json

from goretain.commands.common import add_output_arguments, open_output
from goretain.profile import decode, report
from goretain.profile.cli_args import add_limit, add_site_arguments
from goretain.profile.diff import diff

NAME = "diff"
HELP = "growth per call site between two profiles of the same program and type"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("base", metavar="BASE", help="the earlier profile")
    p.add_argument("new", metavar="NEW", help="the later profile")
    add_site_arguments(p)
    add_limit(p)
    p.add_argument(
        "--normalize", action="store_true",
        help="scale BASE so its total equals NEW's (compare shapes, not sizes)",
    )
    p.add_argument("--force", action="store_true", help="compare profiles of different binaries anyway")
    add_output_arguments(p, ("text", "json"))


def run(args: argparse.Namespace) -> int:
    base = decode.load(args.base)
    new = decode.load(args.new)
    result = diff(
        base, new, args.sample_type, args.site, args.module, args.focus, args.ignore,
        args.normalize, args.force,
    )
    with open_output(args.output) as out:
        if args.format == "json":
            json.dump(report.diff_json(result, args.limit), out, indent=2)
            out.write("\n")
        else:
            out.write(report.diff_text(result, args.limit))
    return 0
