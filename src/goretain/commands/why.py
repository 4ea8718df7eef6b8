"""goretain why HEAPDUMP --binary BIN — who retains what: roots, paths, dominators."""

from __future__ import annotations

import argparse
import json

from goretain.commands.common import add_output_arguments, open_output
from goretain.errors import UserError

NAME = "why"
HELP = "who retains the memory in a Go heap dump: named roots, paths, dominators"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dump", metavar="HEAPDUMP", help="file written by runtime/debug.WriteHeapDump")
    p.add_argument("--binary", metavar="BIN", help="the program that wrote the dump (names globals)")
    p.add_argument("--top", type=int, default=10, metavar="N", help="roots to show (default 10)")
    p.add_argument("--suspect-pct", type=float, default=10.0, metavar="PCT",
                   help="a leak suspect retains at least PCT%% of the reachable heap (default 10)")
    p.add_argument("--fail-over", type=float, metavar="PCT",
                   help="exit 1 when a suspect retains at least PCT%% of the reachable heap")
    sel = p.add_mutually_exclusive_group()
    sel.add_argument("--site", metavar="REGEX", help="shortest paths from roots to objects allocated at matching sites")
    sel.add_argument("--address", metavar="0xADDR", help="shortest path to, and dominators of, one object")
    add_output_arguments(p, ("text", "json"))


def _address(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(text, 16)
    except ValueError:
        raise UserError(f"--address: not a hex address: {text!r}") from None


def run(args: argparse.Namespace) -> int:
    from goretain.heapdump import analysis, report

    if args.top < 1:
        raise UserError("--top must be at least 1")
    address = _address(args.address)
    a = analysis.analyse(args.dump, args.binary)
    doc = report.build(a, args.top, args.suspect_pct, args.site, address)
    with open_output(args.output) as out:
        if args.format == "json":
            json.dump(doc, out, indent=2)
            out.write("\n")
        else:
            out.write(report.text(doc))
    if args.fail_over is not None:
        suspects = doc.get("suspects") or a.suspects(args.fail_over)
        if any(s["share_pct"] >= args.fail_over for s in suspects):
            return 1
    return 0
