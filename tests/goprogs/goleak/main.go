// Command goleak strands goroutines: fetch starts a goroutine that sends its result
// on an unbuffered channel, but returns early on timeout, so nobody ever receives.
// A fixed worker pool, blocked on a channel that stays reachable, is not a leak.
//
// Usage: goleak OUTDIR STEPS
// Writes OUTDIR/goroutine-N.pb.gz, OUTDIR/goroutine-N.txt (debug=2) per step, then
// OUTDIR/goroutineleak.pb.gz and OUTDIR/goroutineleak.txt.
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

var jobs = make(chan int)

func worker() {
	for j := range jobs { // blocked on receive, channel still reachable: not a leak
		_ = j
	}
}

//go:noinline
func fetch(timeout time.Duration) int {
	ch := make(chan int)
	go func() {
		time.Sleep(time.Millisecond)
		ch <- 42 // stranded: fetch has returned, nobody receives
	}()
	select {
	case v := <-ch:
		return v
	case <-time.After(timeout):
		return -1
	}
}

func write(dir, name string, debug int) {
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		panic(err)
	}
	prof := "goroutine"
	if len(name) >= 13 && name[:13] == "goroutineleak" {
		prof = "goroutineleak"
	}
	if err := pprof.Lookup(prof).WriteTo(f, debug); err != nil {
		panic(err)
	}
	if err := f.Close(); err != nil {
		panic(err)
	}
}

func main() {
	dir := os.Args[1]
	steps, err := strconv.Atoi(os.Args[2])
	if err != nil {
		panic(err)
	}
	for i := 0; i < 4; i++ {
		go worker()
	}
	for i := 0; i < steps; i++ {
		for k := 0; k < 5; k++ {
			fetch(0)
		}
		time.Sleep(20 * time.Millisecond)
		write(dir, fmt.Sprintf("goroutine-%d.pb.gz", i), 0)
		write(dir, fmt.Sprintf("goroutine-%d.txt", i), 2)
	}
	runtime.GC()
	write(dir, "goroutineleak.pb.gz", 0)
	write(dir, "goroutineleak.txt", 2)
}
