// Fixed version of the GoBench kernel etcd10492 from $GOROOT/src/runtime/testdata/
// testgoroutineleakprofile/goker (Copyright 2025 The Go Authors; MIT license, see
// the LICENSE file there), with the fix applied: Renew releases le.mu
// before it runs the checkpointer callback, which locks le.mu itself.
// goretain must stay silent.

package main

import (
	"context"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

func init() {
	register("Etcd10492", Etcd10492)
}

type Checkpointer_etcd10492 func(ctx context.Context)

type lessor_etcd10492 struct {
	mu                 sync.RWMutex
	cp                 Checkpointer_etcd10492
	checkpointInterval time.Duration
}

func (le *lessor_etcd10492) Checkpoint() {
	le.mu.Lock()
	defer le.mu.Unlock()
}

func (le *lessor_etcd10492) SetCheckpointer(cp Checkpointer_etcd10492) {
	le.mu.Lock()
	defer le.mu.Unlock()

	le.cp = cp
}

func (le *lessor_etcd10492) Renew() {
	le.mu.Lock()
	unlock := func() { le.mu.Unlock() }
	defer func() { unlock() }()

	if le.cp != nil {
		unlock()
		unlock = func() {}
		le.cp(context.Background())
	}
}

func Etcd10492() {
	prof := pprof.Lookup("goroutineleak")
	defer func() {

		for i := 0; i < yieldCount; i++ {
			runtime.Gosched()
		}
		prof.WriteTo(os.Stdout, 2)
	}()

	go func() {
		le := &lessor_etcd10492{
			checkpointInterval: 0,
		}
		fakerCheckerpointer_etcd10492 := func(ctx context.Context) {
			le.Checkpoint()
		}
		le.SetCheckpointer(fakerCheckerpointer_etcd10492)
		le.mu.Lock()
		le.mu.Unlock()
		le.Renew()
	}()
}
