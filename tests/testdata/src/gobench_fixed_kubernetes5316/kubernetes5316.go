// Fixed version of the GoBench kernel kubernetes5316 from $GOROOT/src/runtime/testdata/
// testgoroutineleakprofile/goker (Copyright 2025 The Go Authors; MIT license, see
// the LICENSE file there), with the upstream fix applied. goretain must stay silent.

package main

import (
	"errors"
	"math/rand"
	"os"
	"runtime"
	"runtime/pprof"
	"time"
)

func init() {
	register("Kubernetes5316", Kubernetes5316)
}

func finishRequest_kubernetes5316(timeout time.Duration, fn func() error) {
	ch := make(chan bool, 1)
	errCh := make(chan error, 1)
	go func() {
		if err := fn(); err != nil {
			errCh <- err
		} else {
			ch <- true
		}
	}()

	select {
	case <-ch:
	case <-errCh:
	case <-time.After(timeout):
	}
}

func Kubernetes5316() {
	prof := pprof.Lookup("goroutineleak")
	defer func() {

		time.Sleep(100 * time.Millisecond)

		for i := 0; i < yieldCount; i++ {
			runtime.Gosched()
		}
		prof.WriteTo(os.Stdout, 2)
	}()
	go func() {
		fn := func() error {
			time.Sleep(2 * time.Millisecond)
			if rand.Intn(10) > 5 {
				return errors.New("Error")
			}
			return nil
		}
		go finishRequest_kubernetes5316(time.Microsecond, fn)
	}()
}
