// Command bigheap writes two heap profiles with a very large number of samples, for
// bench/profiles.py.  Every allocation happens at the end of a distinct call path
// (a binary tree of calls through a() and b(), one bit of the path per level), in
// several size classes, so each (stack, size) becomes its own profile sample.
//
// Usage: bigheap DEPTH OUTDIR  -> OUTDIR/base.pb.gz, OUTDIR/new.pb.gz
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
)

var sizes = []int{16, 48, 128, 512}

var keep [][]byte

var round int

//go:noinline
func leaf(path uint32, size int) {
	buf := make([]byte, size)
	// Keep a varying share so in-use values differ between the two profiles.
	if (path+uint32(size)+uint32(round))%uint32(3+round) == 0 {
		keep = append(keep, buf)
	}
}

//go:noinline
func a(d int, path uint32, bits uint32, size int) {
	if d == 0 {
		leaf(path, size)
		return
	}
	if bits&1 == 0 {
		a(d-1, path, bits>>1, size)
	} else {
		b(d-1, path, bits>>1, size)
	}
}

//go:noinline
func b(d int, path uint32, bits uint32, size int) {
	if d == 0 {
		leaf(path, size)
		return
	}
	if bits&1 == 0 {
		a(d-1, path, bits>>1, size)
	} else {
		b(d-1, path, bits>>1, size)
	}
}

func allocate(depth int, reps int) {
	for p := uint32(0); p < 1<<depth; p++ {
		for _, s := range sizes {
			for r := 0; r < reps; r++ {
				a(depth, p, p, s)
			}
		}
	}
}

func write(path string) {
	runtime.GC()
	f, err := os.Create(path)
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
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: bigheap DEPTH OUTDIR")
		os.Exit(2)
	}
	depth, err := strconv.Atoi(os.Args[1])
	if err != nil {
		panic(err)
	}
	out := os.Args[2]
	allocate(depth, 1)
	write(filepath.Join(out, "base.pb.gz"))
	round = 1
	allocate(depth, 2)
	write(filepath.Join(out, "new.pb.gz"))
}
