// Fixed version of the GoBench kernel moby33781 from $GOROOT/src/runtime/testdata/
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
	register("Moby33781", Moby33781)
}

func monitor_moby33781(stop chan bool) {
	probeInterval := time.Millisecond
	probeTimeout := time.Millisecond
	for {
		select {
		case <-stop:
			return
		case <-time.After(probeInterval):
			results := make(chan bool, 1)
			ctx, cancelProbe := context.WithTimeout(context.Background(), probeTimeout)
			go func() {
				results <- true
				close(results)
			}()
			select {
			case <-stop:

				cancelProbe()
				return
			case <-results:
				cancelProbe()
			case <-ctx.Done():
				cancelProbe()
				<-results
			}
		}
	}
}

func Moby33781() {
	prof := pprof.Lookup("goroutineleak")
	defer func() {
		time.Sleep(100 * time.Millisecond)
		prof.WriteTo(os.Stdout, 2)
	}()
	for i := 0; i < 100; i++ {
		go func(i int) {
			stop := make(chan bool)
			go monitor_moby33781(stop)
			go func() {
				time.Sleep(time.Duration(i) * time.Millisecond)
				stop <- true
			}()
		}(i)
	}
}
