// Fixed version of the GoBench kernel cockroach9935 from $GOROOT/src/runtime/testdata/
// testgoroutineleakprofile/goker (Copyright 2025 The Go Authors; MIT license, see
// the LICENSE file there), with the upstream fix applied. goretain must stay silent.

package main

import (
	"errors"
	"math/rand"
	"os"
	"runtime/pprof"
	"sync"
	"time"
)

func init() {
	register("Cockroach9935", Cockroach9935)
}

type loggingT_cockroach9935 struct {
	mu sync.Mutex
}

func (l *loggingT_cockroach9935) outputLogEntry() {
	l.mu.Lock()
	if err := l.createFile(); err != nil {
		l.mu.Unlock()
		l.exit(err)
		return
	}
	l.mu.Unlock()
}

func (l *loggingT_cockroach9935) createFile() error {
	if rand.Intn(8)%4 > 0 {
		return errors.New("")
	}
	return nil
}

func (l *loggingT_cockroach9935) exit(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
}

func Cockroach9935() {
	prof := pprof.Lookup("goroutineleak")
	defer func() {
		time.Sleep(100 * time.Millisecond)
		prof.WriteTo(os.Stdout, 2)
	}()

	for i := 0; i < 100; i++ {
		go func() {
			l := &loggingT_cockroach9935{}
			go l.outputLogEntry()
		}()
	}
}
