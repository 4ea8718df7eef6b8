// Fixed version of the GoBench kernel moby30408 from $GOROOT/src/runtime/testdata/
// testgoroutineleakprofile/goker (Copyright 2025 The Go Authors; MIT license, see
// the LICENSE file there), with the upstream fix applied. goretain must stay silent.

package main

import (
	"errors"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
)

func init() {
	register("Moby30408", Moby30408)
}

type Manifest_moby30408 struct {
	Implements []string
}

type Plugin_moby30408 struct {
	activateWait *sync.Cond
	activateErr  error
	Manifest     *Manifest_moby30408
}

func (p *Plugin_moby30408) waitActive() error {
	p.activateWait.L.Lock()
	for !p.activated() {
		p.activateWait.Wait()
	}
	p.activateWait.L.Unlock()
	return p.activateErr
}

func (p *Plugin_moby30408) activated() bool {
	return p.Manifest != nil
}

func testActive_moby30408(p *Plugin_moby30408) {
	done := make(chan struct{})
	go func() {
		p.waitActive()
		close(done)
	}()
	<-done
}

func Moby30408() {
	prof := pprof.Lookup("goroutineleak")
	defer func() {

		for i := 0; i < yieldCount; i++ {
			runtime.Gosched()
		}
		prof.WriteTo(os.Stdout, 2)
	}()

	go func() {
		p := &Plugin_moby30408{activateWait: sync.NewCond(&sync.Mutex{})}
		p.activateErr = errors.New("some junk happened")

		p.Manifest = &Manifest_moby30408{}
		testActive_moby30408(p)
	}()
}
