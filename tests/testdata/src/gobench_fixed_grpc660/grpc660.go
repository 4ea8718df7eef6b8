// Fixed version of the GoBench kernel grpc660 from $GOROOT/src/runtime/testdata/
// testgoroutineleakprofile/goker (Copyright 2025 The Go Authors; MIT license, see
// the LICENSE file there), with the upstream fix applied. goretain must stay silent.

package main

import (
	"math/rand"
	"os"
	"runtime"
	"runtime/pprof"
)

func init() {
	register("Grpc660", Grpc660)
}

type benchmarkClient_grpc660 struct {
	stop chan bool
}

func (bc *benchmarkClient_grpc660) doCloseLoopUnary() {
	for {
		done := make(chan bool, 1)
		go func() {
			if rand.Intn(10) > 7 {
				done <- false
				return
			}
			done <- true
		}()
		select {
		case <-bc.stop:
			return
		case <-done:
		}
	}
}

func Grpc660() {
	prof := pprof.Lookup("goroutineleak")
	defer func() {

		for i := 0; i < yieldCount; i++ {
			runtime.Gosched()
		}
		prof.WriteTo(os.Stdout, 2)
	}()
	go func() {
		bc := &benchmarkClient_grpc660{
			stop: make(chan bool),
		}
		go bc.doCloseLoopUnary()
		go func() {
			bc.stop <- true
		}()
	}()
}
