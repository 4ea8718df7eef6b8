"""`goretain check`: static analysis of Go source."""

from __future__ import annotations

import argparse
import fnmatch
import os
import sys

from goretain.analysis import AnalysisOptions
from goretain.analysis import run as analyse_all
from goretain.commands.common import add_output_arguments, open_output, use_color
from goretain.config import Config, load_config
from goretain.errors import UserError
from goretain.findings import Finding
from goretain.processing import finalize
from goretain.report.model import CheckResult
from goretain.rules.base import RuleContext, all_rules
from goretain.source.loader import PackageSpec, load

NAME = "check"
HELP = "find leaks in Go source (default ./...)"
FORMATS = ("text", "json", "sarif", "github")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("patterns", nargs="*", metavar="PATTERN", help="./..., DIR/..., DIR or FILE.go")
    add_output_arguments(p, FORMATS)
    p.add_argument("--config", metavar="FILE", help="goretain.toml or pyproject.toml to use")
    p.add_argument("--baseline", metavar="FILE", help="report only findings not in this baseline")
    p.add_argument("--write-baseline", metavar="FILE", help="write all current findings as a baseline")
    p.add_argument("--enable", metavar="IDS", help="comma-separated rule IDs to run (only these)")
    p.add_argument("--disable", metavar="IDS", help="comma-separated rule IDs to skip")
    p.add_argument("--no-tests", action="store_true", help="skip _test.go files")
    p.add_argument("-j", "--jobs", type=int, default=0, help="worker processes (default: CPU count)")
    p.add_argument("--no-cache", action="store_true", help="ignore and do not write the result cache")


def _ids(value: str | None) -> set[str]:
    return {v.strip().upper() for v in value.split(",") if v.strip()} if value else set()


def select_rules(config: Config, enable: set[str], disable: set[str]) -> tuple[str, ...]:
    known = set(all_rules())
    for rid in sorted(enable | disable | set(config.enable or ()) | config.disable | set(config.severity)):
        if rid not in known and rid != "GR000":
            raise UserError(f"unknown rule {rid} (see `goretain rules`)")
    chosen = set(enable or config.enable or known)
    # Suppression diagnostics (GR000) stay on with --enable; only an explicit disable drops them.
    chosen.add("GR000")
    chosen -= disable | config.disable
    return tuple(sorted(chosen & known))


def _excluded(spec: PackageSpec, patterns: tuple[str, ...]) -> PackageSpec:
    if not patterns:
        return spec
    keep = []
    for f in spec.files:
        rel = os.path.relpath(f).replace(os.sep, "/")
        if not any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(os.path.basename(f), p) for p in patterns):
            keep.append(f)
    return PackageSpec(spec.directory, keep, spec.module, spec.explicit, spec.named)


def collect(args: argparse.Namespace) -> CheckResult:
    config = load_config(args.config)
    rule_ids = select_rules(config, _ids(args.enable), _ids(args.disable))
    specs = [_excluded(s, config.exclude) for s in load(args.patterns, include_tests=config.tests and not args.no_tests)]
    specs = [s for s in specs if s.files]
    options = AnalysisOptions(rule_ids, RuleContext(large_object_bytes=config.large_object_bytes))
    jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
    findings: list[Finding] = []
    result = CheckResult(findings=findings, packages=len(specs), rule_ids=rule_ids)
    from goretain.cache import ResultCache

    cache = ResultCache.for_run(options, disabled=args.no_cache)
    for pr in cache.run(specs, options, jobs, analyse_all):
        findings.extend(pr.findings)
        result.errors.extend(pr.errors)
        result.files += pr.files
        result.lines += pr.lines
    from goretain.processing import apply_config, filter_baseline, write_baseline

    result.findings = finalize(apply_config(findings, config))
    result.errors.sort(key=lambda e: (e.path, e.line, e.message))
    if args.write_baseline:
        write_baseline(result.findings, args.write_baseline)
    if args.baseline:
        result.findings = filter_baseline(result.findings, args.baseline)
    return result


def run_command(args: argparse.Namespace) -> int:
    from goretain.report import render

    result = collect(args)
    with open_output(args.output) as out:
        color = args.format == "text" and not args.output and use_color(args, sys.stdout)
        render(args.format, result, out, color)
    return 1 if result.findings else 0


run = run_command
