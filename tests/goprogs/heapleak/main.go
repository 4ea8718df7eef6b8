// Command heapleak has one slowly leaking site, one churning site and one stable
// cache, and writes a heap profile after each step: OUTDIR/heap-N.pb.gz.
//
// Usage: heapleak OUTDIR STEPS
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"time"
)

// node is one unit of leaked memory: a linked list that only grows.
type node struct {
	next *node
	buf  [16 << 10]byte
}

var (
	leaked *node
	cache  = map[int][]byte{}
	sink   []byte
)

//go:noinline
func leakStep(n int) {
	for i := 0; i < n; i++ {
		leaked = &node{next: leaked} // the leak: retained forever
	}
}

//go:noinline
func churnStep(n int) {
	for i := 0; i < n; i++ {
		sink = make([]byte, 64<<10) // churn: garbage right after the next call
	}
}

//go:noinline
func fillCache(n int) {
	for i := 0; i < n; i++ {
		cache[i] = make([]byte, 4<<10) // stable cache: filled once
	}
}

func writeHeap(dir string, i int) {
	runtime.GC()
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("heap-%d.pb.gz", i)))
	if err != nil {
		panic(err)
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		panic(err)
	}
	if err := f.Close(); err != nil {
		panic(err)
	}
}

func main() {
	runtime.MemProfileRate = 1
	dir := os.Args[1]
	steps, err := strconv.Atoi(os.Args[2])
	if err != nil {
		panic(err)
	}
	fillCache(500)
	for i := 0; i < steps; i++ {
		leakStep(20)
		churnStep(200)
		writeHeap(dir, i)
		time.Sleep(30 * time.Millisecond)
	}
}
