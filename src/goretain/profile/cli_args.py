"""Flags shared by the profile verbs (top, diff, trend)."""

from __future__ import annotations

import argparse

from goretain.profile.model import MODES


def add_site_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-t", "--sample-type", metavar="TYPE",
        help="sample type, e.g. inuse_space, alloc_objects, goroutine (default: the profile's default)",
    )
    p.add_argument(
        "--site", choices=MODES, default="user",
        help="what a call site is: first frame in your code (user, default), the leaf frame, or the whole stack",
    )
    p.add_argument(
        "--module", action="append", default=[], metavar="PATH",
        help="import path prefix of your code, for --site user (repeatable; default: anything outside the standard library)",
    )
    p.add_argument("--focus", action="append", metavar="REGEX", help="keep only samples with a frame matching REGEX (function file:line)")
    p.add_argument("--ignore", action="append", metavar="REGEX", help="drop samples with a frame matching REGEX")


def add_limit(p: argparse.ArgumentParser, default: int = 20) -> None:
    p.add_argument("-n", "--limit", type=int, default=default, metavar="N", help=f"show at most N sites (0 = all; default {default})")
