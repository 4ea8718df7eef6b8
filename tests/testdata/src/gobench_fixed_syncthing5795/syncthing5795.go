// Fixed version of the GoBench kernel syncthing5795 from $GOROOT/src/runtime/testdata/
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
	register("Syncthing5795", Syncthing5795)
}

type message_syncthing5795 interface{}

type ClusterConfig_syncthing5795 struct{}

type Model_syncthing5795 interface {
	ClusterConfig(message_syncthing5795)
}

type TestModel_syncthing5795 struct {
	ccFn func()
}

func (t *TestModel_syncthing5795) ClusterConfig(msg message_syncthing5795) {
	if t.ccFn != nil {
		t.ccFn()
	}
}

type Connection_syncthing5795 interface {
	Start()
	Close()
}

type rawConnection_syncthing5795 struct {
	receiver Model_syncthing5795

	inbox                 chan message_syncthing5795
	dispatcherLoopStopped chan struct{}
	closed                chan struct{}
	closeOnce             sync.Once
}

func (c *rawConnection_syncthing5795) Start() {
	go c.dispatcherLoop()
}

func (c *rawConnection_syncthing5795) dispatcherLoop() {
	defer close(c.dispatcherLoopStopped)
	var msg message_syncthing5795
	for {
		select {
		case msg = <-c.inbox:
		case <-c.closed:
			return
		}
		switch msg := msg.(type) {
		case *ClusterConfig_syncthing5795:
			c.receiver.ClusterConfig(msg)
		default:
			return
		}
	}
}

func (c *rawConnection_syncthing5795) internalClose() {
	c.closeOnce.Do(func() {
		close(c.closed)
	})
}

func (c *rawConnection_syncthing5795) Close() {
	c.closeOnce.Do(func() {
		close(c.closed)
		<-c.dispatcherLoopStopped
	})
}

func Syncthing5795() {
	prof := pprof.Lookup("goroutineleak")
	defer func() {

		for i := 0; i < yieldCount; i++ {
			runtime.Gosched()
		}
		prof.WriteTo(os.Stdout, 2)
	}()
	go func() {
		m := &TestModel_syncthing5795{}
		c := &rawConnection_syncthing5795{
			dispatcherLoopStopped: make(chan struct{}),
			closed:                make(chan struct{}),
			inbox:                 make(chan message_syncthing5795),
			receiver:              m,
		}
		m.ccFn = c.internalClose

		c.Start()
		select {
		case c.inbox <- &ClusterConfig_syncthing5795{}:
		case <-c.closed:
		}

		<-c.dispatcherLoopStopped
	}()
}
