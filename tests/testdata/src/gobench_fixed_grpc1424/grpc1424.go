// Fixed version of the GoBench kernel grpc1424 from $GOROOT/src/runtime/testdata/
// testgoroutineleakprofile/goker (Copyright 2025 The Go Authors; MIT license, see
// the LICENSE file there), with the upstream fix applied. goretain must stay silent.

package main

import (
	"os"
	"runtime/pprof"
	"sync"
	"time"
)

func init() {
	register("Grpc1424", Grpc1424)
}

type Balancer_grpc1424 interface {
	Notify() <-chan bool
}

type roundRobin_grpc1424 struct {
	mu     sync.Mutex
	addrCh chan bool
}

func (rr *roundRobin_grpc1424) Notify() <-chan bool {
	return rr.addrCh
}

type addrConn_grpc1424 struct {
	mu sync.Mutex
}

func (ac *addrConn_grpc1424) tearDown() {
	ac.mu.Lock()
	defer ac.mu.Unlock()
}

type dialOption_grpc1424 struct {
	balancer Balancer_grpc1424
}

type ClientConn_grpc1424 struct {
	dopts dialOption_grpc1424
	conns []*addrConn_grpc1424
}

func (cc *ClientConn_grpc1424) lbWatcher(doneChan chan bool) {
	defer close(doneChan)
	for addr := range cc.dopts.balancer.Notify() {
		if addr {

		}
		var (
			del []*addrConn_grpc1424
		)
		for _, a := range cc.conns {
			del = append(del, a)
		}
		for _, c := range del {
			c.tearDown()
		}
	}
}

func NewClientConn_grpc1424() *ClientConn_grpc1424 {
	cc := &ClientConn_grpc1424{
		dopts: dialOption_grpc1424{
			&roundRobin_grpc1424{addrCh: make(chan bool)},
		},
	}
	return cc
}

func DialContext_grpc1424() {
	cc := NewClientConn_grpc1424()
	waitC := make(chan error, 1)
	go func() {
		defer close(waitC)
		ch := cc.dopts.balancer.Notify()
		if ch != nil {
			doneChan := make(chan bool)
			go cc.lbWatcher(doneChan)
			<-doneChan
		}
	}()

	close(cc.dopts.balancer.(*roundRobin_grpc1424).addrCh)
}

func Grpc1424() {
	prof := pprof.Lookup("goroutineleak")
	defer func() {
		time.Sleep(100 * time.Millisecond)
		prof.WriteTo(os.Stdout, 2)
	}()
	go DialContext_grpc1424()
}
