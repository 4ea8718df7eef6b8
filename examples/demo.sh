#!/bin/sh
# `make demo`: goretain on the bundled leaky service. Later stages (watch, why) join here.
set -eu
cd "$(dirname "$0")/.."
echo "== goretain check examples/leakyservice/..."
status=0
goretain check --no-cache examples/leakyservice/... || status=$?
# Exit 1 means "findings": exactly what this demo expects. 2 or 3 are real failures.
if [ "$status" -gt 1 ]; then
    echo "demo: goretain check failed (exit $status)" >&2
    exit "$status"
fi
echo
echo "== the same findings as JSON (first one)"
goretain check --no-cache --format json examples/leakyservice/... | python3 -c '
import json, sys
doc = json.load(sys.stdin)
print(json.dumps(doc["findings"][:1], indent=2))
print(len(doc["findings"]), "findings,", len(doc["errors"]), "errors")
' || true
