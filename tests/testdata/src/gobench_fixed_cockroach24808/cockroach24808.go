// Fixed version of the GoBench kernel cockroach24808 from $GOROOT/src/runtime/testdata/
// testgoroutineleakprofile/goker (Copyright 2025 The Go Authors; MIT license, see
// the LICENSE file there), with the upstream fix applied. goretain must stay silent.

package main

import (
	"context"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
)

func init() {
	register("Cockroach24808", Cockroach24808)
}

type Compactor_cockroach24808 struct {
	ch chan struct{}
}

type Stopper_cockroach24808 struct {
	stop    sync.WaitGroup
	stopper chan struct{}
}

func (s *Stopper_cockroach24808) RunWorker(ctx context.Context, f func(context.Context)) {
	s.stop.Add(1)
	go func() {
		defer s.stop.Done()
		f(ctx)
	}()
}

func (s *Stopper_cockroach24808) ShouldStop() <-chan struct{} {
	if s == nil {
		return nil
	}
	return s.stopper
}

func (s *Stopper_cockroach24808) Stop() {
	close(s.stopper)
}

func (c *Compactor_cockroach24808) Start(ctx context.Context, stopper *Stopper_cockroach24808) {
	select {
	case c.ch <- struct{}{}:
	default:
	}
	stopper.RunWorker(ctx, func(ctx context.Context) {
		for {
			select {
			case <-stopper.ShouldStop():
				return
			case <-c.ch:
			}
		}
	})
}

func Cockroach24808() {
	prof := pprof.Lookup("goroutineleak")
	defer func() {

		for i := 0; i < yieldCount; i++ {
			runtime.Gosched()
		}
		prof.WriteTo(os.Stdout, 2)
	}()
	go func() {
		stopper := &Stopper_cockroach24808{stopper: make(chan struct{})}
		defer stopper.Stop()

		compactor := &Compactor_cockroach24808{ch: make(chan struct{}, 1)}
		compactor.ch <- struct{}{}

		compactor.Start(context.Background(), stopper)
	}()
}
