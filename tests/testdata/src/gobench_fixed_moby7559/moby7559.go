// Fixed version of the GoBench kernel moby7559 from $GOROOT/src/runtime/testdata/
// testgoroutineleakprofile/goker (Copyright 2025 The Go Authors; MIT license, see
// the LICENSE file there), with the upstream fix applied. goretain must stay silent.

package main

import (
	"net"
	"os"
	"runtime/pprof"
	"sync"
	"time"
)

func init() {
	register("Moby7559", Moby7559)
}

type UDPProxy_moby7559 struct {
	connTrackLock sync.Mutex
}

func (proxy *UDPProxy_moby7559) Run() {
	for i := 0; i < 2; i++ {
		proxy.connTrackLock.Lock()
		_, err := net.DialUDP("udp", nil, nil)
		if err != nil {
			proxy.connTrackLock.Unlock()
			continue

		}
		if i == 0 {
			break
		}
	}
	proxy.connTrackLock.Unlock()
}

func Moby7559() {
	prof := pprof.Lookup("goroutineleak")
	defer func() {
		time.Sleep(100 * time.Millisecond)
		prof.WriteTo(os.Stdout, 2)
	}()

	for i := 0; i < 20; i++ {
		go (&UDPProxy_moby7559{}).Run()
	}
}
