// Fixed version of the GoBench kernel cockroach10790 from $GOROOT/src/runtime/testdata/
// testgoroutineleakprofile/goker (Copyright 2025 The Go Authors; MIT license, see
// the LICENSE file there), with the upstream fix applied. goretain must stay silent.

package main

import (
	"context"
	"os"
	"runtime/pprof"
	"time"
)

func init() {
	register("Cockroach10790", Cockroach10790)
}

type Replica_cockroach10790 struct {
	chans   []chan bool
}

func (r *Replica_cockroach10790) beginCmds(ctx context.Context) {
	ctxDone := ctx.Done()
	for _, ch := range r.chans {
		select {
		case <-ch:
		case <-ctxDone:
			go func() {
				for _, ch := range r.chans {
					select {
					case <-ch:
					case <-ctxDone:
						return
					}
				}
			}()
		}
	}
}

func (r *Replica_cockroach10790) sendChans(ctx context.Context) {
	for _, ch := range r.chans {
		select {
		case ch <- true:
		case <-ctx.Done():
			return
		}
	}
}

func NewReplica_cockroach10790() *Replica_cockroach10790 {
	r := &Replica_cockroach10790{}
	r.chans = append(r.chans, make(chan bool), make(chan bool))
	return r
}

func Cockroach10790() {
	prof := pprof.Lookup("goroutineleak")
	defer func() {
		time.Sleep(100 * time.Millisecond)
		prof.WriteTo(os.Stdout, 2)
	}()

	for i := 0; i < 100; i++ {
		go func() {
			r := NewReplica_cockroach10790()
			ctx, cancel := context.WithCancel(context.Background())
			go r.sendChans(ctx)
			go r.beginCmds(ctx)
			go cancel()
		}()
	}
}
