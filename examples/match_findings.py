#!/usr/bin/env python3
"""Which static findings explain the runtime leaks (used by examples/demo.sh).

    python3 examples/match_findings.py WATCH.json CHECK.json
"""

from __future__ import annotations

import json
import sys

from goretain.live.join import join, join_text, runtime_sites


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as fh:
        watch = json.load(fh)
    with open(sys.argv[2], encoding="utf-8") as fh:
        findings = json.load(fh)["findings"]
    sites = runtime_sites(watch)
    sys.stdout.write(join_text(sites, findings, join(sites, findings)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
