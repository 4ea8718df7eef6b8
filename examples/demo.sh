#!/bin/sh
# `make demo`: goretain on the bundled leaky service, statically and live.
#
#  1. build examples/leakyservice and start it on 127.0.0.1 (a free port);
#  2. goretain check on its source;
#  3. bounded load (examples/loadgen.py); after 10 s a heap dump from the service's
#     /admin/heapdump, for goretain why (it must come before the first goroutineleak
#     scrape: see examples/leakyservice/admin.go);
#  4. goretain watch scrapes the service every 2 s for a minute under the same load;
#  5. the verdicts, and which static findings explain each runtime leak.
# Everything it starts is stopped on exit, on failure and on Ctrl-C.
# DEMO_SECONDS (watch length, default 60) and DEMO_DIR (default: a new temporary
# directory, kept: store, reports and dump) tune it.
set -eu
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
START=$(date +%s)
WATCH_SECONDS=${DEMO_SECONDS:-60}
DIR=${DEMO_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/goretain-demo.XXXXXX")}
mkdir -p "$DIR"
SVC_PID=
LOAD_PID=

cleanup() {
    status=$?
    trap - EXIT INT TERM
    for pid in $LOAD_PID $SVC_PID; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in $LOAD_PID $SVC_PID; do
        wait "$pid" 2>/dev/null || true
    done
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== building examples/leakyservice"
(cd examples/leakyservice && go build -o "$DIR/leakyservice" .)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT"
# A finer memory-profile rate than Go's default (512 KiB) so that goretain why can name
# the allocation site of most objects in the dump; cheap for a service this small.
GODEBUG=memprofilerate=4096 "$DIR/leakyservice" -addr "127.0.0.1:$PORT" -dumpdir "$DIR" 2>"$DIR/service.log" &
SVC_PID=$!
python3 - "$URL" <<'PY'
import sys, time, urllib.request
for _ in range(200):
    try:
        urllib.request.urlopen(sys.argv[1] + "/debug/pprof/cmdline", timeout=1).read()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit("demo: the service did not start")
PY
echo "   pid $SVC_PID listening on $URL"

echo
echo "== goretain check examples/leakyservice/..."
status=0
goretain check --no-cache examples/leakyservice/... || status=$?
# Exit 1 means "findings": exactly what this demo expects. 2 or 3 are real failures.
if [ "$status" -gt 1 ]; then
    echo "demo: goretain check failed (exit $status)" >&2
    exit "$status"
fi
goretain check --no-cache --format json examples/leakyservice/... >"$DIR/check.json" || [ $? -eq 1 ]

LOAD_SECONDS=$((WATCH_SECONDS + 14))
echo
echo "== bounded load for ${LOAD_SECONDS}s (examples/loadgen.py)"
python3 examples/loadgen.py "$URL" --seconds "$LOAD_SECONDS" --rate 10 &
LOAD_PID=$!
sleep 10

echo "== heap dump for goretain why (POST /admin/heapdump: runtime.GC, then debug.WriteHeapDump)"
python3 - "$URL" <<'PY'
import os, sys, urllib.request
req = urllib.request.Request(sys.argv[1] + "/admin/heapdump", method="POST")
path = urllib.request.urlopen(req, timeout=60).read().decode().strip()
print(f"   {path} ({os.path.getsize(path) / 2**20:.1f} MiB)")
with open(os.path.join(os.path.dirname(path), "dump.path"), "w") as fh:
    fh.write(path)
PY

echo
echo "== goretain watch $URL every 2s for ${WATCH_SECONDS}s"
status=0
goretain watch "$URL" --interval 2s --duration "${WATCH_SECONDS}s" --store "$DIR/goretain.db" \
    --fail-on leaking --format json -o "$DIR/watch.json" --log-every 15s || status=$?
# Exit 1 is the leak verdict this demo expects; 2 or 3 are real failures.
if [ "$status" -gt 1 ]; then
    echo "demo: goretain watch failed (exit $status)" >&2
    exit "$status"
fi
wait "$LOAD_PID" 2>/dev/null || true
LOAD_PID=

echo
echo "== verdict (goretain trend --store $DIR/goretain.db -n 3)"
goretain trend --store "$DIR/goretain.db" -n 3 || [ $? -eq 1 ]

echo
echo "== runtime leaks and the static findings that explain them"
python3 examples/match_findings.py "$DIR/watch.json" "$DIR/check.json"

echo
DUMP=$(cat "$DIR/dump.path")
echo "== who holds the memory (goretain why $DUMP --binary $DIR/leakyservice --top 5)"
goretain why "$DUMP" --binary "$DIR/leakyservice" --top 5

echo
echo "demo: done in $(($(date +%s) - START))s; store, reports and heap dump are in $DIR"
