// Fixed version of the GoBench kernel hugo3251 from $GOROOT/src/runtime/testdata/
// testgoroutineleakprofile/goker (Copyright 2025 The Go Authors; MIT license, see
// the LICENSE file there), with the fix applied: URLLock releases the map
// lock before it waits for the per-URL mutex (URLUnlock takes the map lock to find it).
// goretain must stay silent.

package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

func init() {
	register("Hugo3251", Hugo3251)
}

type remoteLock_hugo3251 struct {
	sync.RWMutex
	m map[string]*sync.Mutex
}

func (l *remoteLock_hugo3251) URLLock(url string) {
	l.Lock()
	um, ok := l.m[url]
	if !ok {
		um = &sync.Mutex{}
		l.m[url] = um
	}
	runtime.Gosched()
	l.Unlock()
	um.Lock()

}

func (l *remoteLock_hugo3251) URLUnlock(url string) {
	l.RLock()
	defer l.RUnlock()
	if um, ok := l.m[url]; ok {
		um.Unlock()
	}
}

func resGetRemote_hugo3251(remoteURLLock *remoteLock_hugo3251, url string) error {
	remoteURLLock.URLLock(url)
	defer func() { remoteURLLock.URLUnlock(url) }()

	return nil
}

func Hugo3251() {
	prof := pprof.Lookup("goroutineleak")
	defer func() {
		time.Sleep(time.Second)
		prof.WriteTo(os.Stdout, 2)
	}()

	for i := 0; i < 11; i++ {
		go func() {
			url := "http://Foo.Bar/foo_Bar-Foo"
			remoteURLLock := &remoteLock_hugo3251{m: make(map[string]*sync.Mutex)}
			for range []bool{false, true} {
				var wg sync.WaitGroup
				for i := 0; i < 100; i++ {
					wg.Add(1)
					go func(gor int) {
						defer wg.Done()
						for j := 0; j < 200; j++ {
							err := resGetRemote_hugo3251(remoteURLLock, url)
							if err != nil {
								_ = fmt.Errorf("Error getting resource content: %s", err)
							}
							time.Sleep(300 * time.Nanosecond)
						}
					}(i)
				}
				wg.Wait()
			}
		}()
	}
}
