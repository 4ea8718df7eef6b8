// Fixed version of the GoBench kernel kubernetes10182 from $GOROOT/src/runtime/testdata/
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
	register("Kubernetes10182", Kubernetes10182)
}

type statusManager_kubernetes10182 struct {
	podStatusesLock  sync.RWMutex
	podStatusChannel chan bool
}

func (s *statusManager_kubernetes10182) Start() {
	go func() {
		for i := 0; i < 2; i++ {
			s.syncBatch()
		}
	}()
}

func (s *statusManager_kubernetes10182) syncBatch() {
	runtime.Gosched()
	<-s.podStatusChannel
	s.DeletePodStatus()
}

func (s *statusManager_kubernetes10182) DeletePodStatus() {
	s.podStatusesLock.Lock()
	defer s.podStatusesLock.Unlock()
}

func (s *statusManager_kubernetes10182) SetPodStatus() {
	s.podStatusesLock.Lock()
	s.podStatusesLock.Unlock()
	s.podStatusChannel <- true
}

func NewStatusManager_kubernetes10182() *statusManager_kubernetes10182 {
	return &statusManager_kubernetes10182{
		podStatusChannel: make(chan bool),
	}
}

// 	Example of deadlock trace:
//
//	G1 						G2							G3
//	--------------------------------------------------------------------------------
//	s.Start()
//	s.syncBatch()
//							s.SetPodStatus()
//	<-s.podStatusChannel
//							s.podStatusesLock.Lock()
//							s.podStatusChannel <- true
//							s.podStatusesLock.Unlock()
//							return
//	s.DeletePodStatus()
//														s.podStatusesLock.Lock()
//														s.podStatusChannel <- true
//	s.podStatusesLock.Lock()
//	-----------------------------------G1,G3 leak-------------------------------------

func Kubernetes10182() {
	prof := pprof.Lookup("goroutineleak")
	defer func() {
		time.Sleep(100 * time.Millisecond)
		prof.WriteTo(os.Stdout, 2)
	}()

	for i := 0; i < 1000; i++ {
		go func() {
			s := NewStatusManager_kubernetes10182()
			go s.Start()
			go s.SetPodStatus()
			go s.SetPodStatus()
		}()
	}
}
