// Fixed version of the GoBench kernel moby25384 from $GOROOT/src/runtime/testdata/
// testgoroutineleakprofile/goker (Copyright 2025 The Go Authors; MIT license, see
// the LICENSE file there), with the upstream fix applied. goretain must stay silent.

package main

import (
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
)

func init() {
	register("Moby25348", Moby25348)
}

type plugin_moby25348 struct{}

type Manager_moby25348 struct {
	plugins []*plugin_moby25348
}

func (pm *Manager_moby25348) init() {
	var group sync.WaitGroup
	group.Add(len(pm.plugins))
	for _, p := range pm.plugins {
		go func(p *plugin_moby25348) {
			defer group.Done()
		}(p)
	}
	group.Wait()
}

func Moby25348() {
	prof := pprof.Lookup("goroutineleak")
	defer func() {
		// Yield several times to allow the child goroutine to run.
		for i := 0; i < yieldCount; i++ {
			runtime.Gosched()
		}
		prof.WriteTo(os.Stdout, 2)
	}()
	go func() {
		p1 := &plugin_moby25348{}
		p2 := &plugin_moby25348{}
		pm := &Manager_moby25348{
			plugins: []*plugin_moby25348{p1, p2},
		}
		go pm.init()
	}()
}
