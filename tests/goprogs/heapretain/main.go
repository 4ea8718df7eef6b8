// Command heapretain builds four known retainers, then writes a heap dump and a JSON
// file with what it allocated for each (HeapAlloc deltas after a GC).
//
// Usage: heapretain DUMPFILE INFOFILE
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"sync"
)

// Session is one 4 KiB object held as a map key.
type Session struct {
	data [4096 - 8]byte
	id   int
}

// handle has a finalizer whose closure captured a buffer: only the finalizer holds it.
type handle struct{ id int }

var (
	sessions = map[*Session]int{}
	handles  []*handle
	cache    sync.Map
	block    = make(chan struct{})
	ready    = make(chan struct{})
)

func heapAlloc() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

//go:noinline
func fillSessions(n int) {
	for i := 0; i < n; i++ {
		s := &Session{id: i}
		sessions[s] = i
	}
}

//go:noinline
func fillCache(n int) {
	for i := 0; i < n; i++ {
		cache.Store(i, make([]byte, 2048))
	}
}

//go:noinline
func holdBuffer() {
	buf := make([]byte, 8<<20)
	buf[0] = 1
	close(ready)
	<-block // blocked forever: nobody sends or closes
	runtime.KeepAlive(buf)
}

//go:noinline
func makeHandle() {
	buf := make([]byte, 1<<20)
	h := &handle{id: 1}
	handles = append(handles, h)
	runtime.SetFinalizer(h, func(*handle) { buf[0]++ })
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: heapretain DUMPFILE INFOFILE")
		os.Exit(2)
	}
	_ = pprof.Lookup("heap") // links the memory profiler: alloc sites in the dump
	info := map[string]any{}
	before := heapAlloc()
	fillSessions(1000)
	after := heapAlloc()
	info["sessions"] = after - before
	before = after
	fillCache(500)
	after = heapAlloc()
	info["cache"] = after - before
	before = after
	go holdBuffer()
	<-ready
	after = heapAlloc()
	info["goroutine"] = after - before
	before = after
	makeHandle()
	after = heapAlloc()
	info["finalizer"] = after - before
	for s := range sessions {
		info["session_addr"] = fmt.Sprintf("%p", s)
		break
	}

	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	runtime.GC() // a dump without a GC right before it can crash Go 1.27
	debug.WriteHeapDump(f.Fd())
	if err := f.Close(); err != nil {
		panic(err)
	}
	out, _ := json.Marshal(info)
	if err := os.WriteFile(os.Args[2], out, 0o644); err != nil {
		panic(err)
	}
	runtime.KeepAlive(&sessions)
}
