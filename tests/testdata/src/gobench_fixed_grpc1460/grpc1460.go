// Fixed version of the GoBench kernel grpc1460 from $GOROOT/src/runtime/testdata/
// testgoroutineleakprofile/goker (Copyright 2025 The Go Authors; MIT license, see
// the LICENSE file there), with the upstream fix applied. goretain must stay silent.

package main

import (
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

func init() {
	register("Grpc1460", Grpc1460)
}

type Stream_grpc1460 struct{}

type http2Client_grpc1460 struct {
	mu              sync.Mutex
	awakenKeepalive chan struct{}
	activeStream    []*Stream_grpc1460
}

func (t *http2Client_grpc1460) keepalive() {
	t.mu.Lock()
	if len(t.activeStream) < 1 {
		t.mu.Unlock()
		<-t.awakenKeepalive
		runtime.Gosched()
	} else {
		t.mu.Unlock()
	}
}

func (t *http2Client_grpc1460) NewStream() {
	t.mu.Lock()
	runtime.Gosched()
	t.activeStream = append(t.activeStream, &Stream_grpc1460{})
	if len(t.activeStream) == 1 {
		select {
		case t.awakenKeepalive <- struct{}{}:
		default:
		}
	}
	t.mu.Unlock()
}

///
/// G1 						G2
/// client.keepalive()
/// 						client.NewStream()
/// t.mu.Lock()
/// <-t.awakenKeepalive
/// 						t.mu.Lock()
/// ---------------G1, G2 deadlock--------------
///

func Grpc1460() {
	prof := pprof.Lookup("goroutineleak")
	defer func() {
		time.Sleep(100 * time.Millisecond)
		prof.WriteTo(os.Stdout, 2)
	}()

	for i := 0; i < 1000; i++ {
		go func() {
			client := &http2Client_grpc1460{
				awakenKeepalive: make(chan struct{}),
			}
			go client.keepalive() //G1
			go client.NewStream() //G2
		}()
	}
}
