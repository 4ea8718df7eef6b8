"""`goretain rules [ID]`: list the rules, or show one rule's documentation."""

from __future__ import annotations

import argparse
import sys

from goretain.errors import UserError
from goretain.rules.base import all_rules

NAME = "rules"
HELP = "list the rules, or show one rule's docs with bad and good examples"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("rule", nargs="?", metavar="ID", help="a rule ID such as GR101")


def run(args: argparse.Namespace) -> int:
    rules = all_rules()
    out = sys.stdout
    if not args.rule:
        for rid, rule in rules.items():
            m = rule.meta
            out.write(f"{rid}  {m.category:<32} {m.summary}\n")
        return 0
    rid = args.rule.upper()
    if rid not in rules:
        raise UserError(f"unknown rule {args.rule} (see `goretain rules`)")
    m = rules[rid].meta
    out.write(f"{m.id} {m.name} ({m.category}, {m.severity.value}, {m.confidence.value} confidence)\n\n")
    out.write(f"{m.summary}\n\n{m.docs.strip()}\n\n")
    out.write("Bad:\n\n" + _indent(m.bad) + "\nGood:\n\n" + _indent(m.good) + f"\nFix: {m.fix}\n")
    return 0


def _indent(code: str) -> str:
    return "".join(f"    {line}\n" if line else "\n" for line in code.strip("\n").split("\n"))
