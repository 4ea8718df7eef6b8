// Fixed version of the GoBench kernel moby36114 from $GOROOT/src/runtime/testdata/
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
	register("Moby36114", Moby36114)
}

type serviceVM_moby36114 struct {
	sync.Mutex
}

func (svm *serviceVM_moby36114) hotAddVHDsAtStart() {
	svm.Lock()
	defer svm.Unlock()
	svm.hotRemoveVHDsAtStartLocked()
}

func (svm *serviceVM_moby36114) hotRemoveVHDsAtStartLocked() {}

func (svm *serviceVM_moby36114) hotRemoveVHDsAtStart() {
	svm.Lock()
	defer svm.Unlock()
}

func Moby36114() {
	prof := pprof.Lookup("goroutineleak")
	defer func() {
		time.Sleep(100 * time.Millisecond)
		prof.WriteTo(os.Stdout, 2)
	}()

	for i := 0; i < 100; i++ {
		go func() {
			s := &serviceVM_moby36114{}
			go s.hotAddVHDsAtStart()
		}()
	}
}
