// Fixed version of the GoBench kernel moby17176 from $GOROOT/src/runtime/testdata/
// testgoroutineleakprofile/goker (Copyright 2025 The Go Authors; MIT license, see
// the LICENSE file there), with the upstream fix applied. goretain must stay silent.

package main

import (
	"errors"
	"os"
	"runtime/pprof"
	"sync"
	"time"
)

func init() {
	register("Moby17176", Moby17176)
}

type DeviceSet_moby17176 struct {
	sync.Mutex
	nrDeletedDevices int
}

func (devices *DeviceSet_moby17176) cleanupDeletedDevices() error {
	devices.Lock()
	if devices.nrDeletedDevices == 0 {
		devices.Unlock()

		return nil
	}
	devices.Unlock()
	return errors.New("Error")
}

func testDevmapperLockReleasedDeviceDeletion_moby17176() {
	ds := &DeviceSet_moby17176{
		nrDeletedDevices: 0,
	}
	ds.cleanupDeletedDevices()
	doneChan := make(chan bool, 1)
	go func() {
		ds.Lock()
		defer ds.Unlock()
		doneChan <- true
	}()

	select {
	case <-time.After(time.Millisecond):
	case <-doneChan:
	}
}
func Moby17176() {
	prof := pprof.Lookup("goroutineleak")
	defer func() {
		time.Sleep(100 * time.Millisecond)
		prof.WriteTo(os.Stdout, 2)
	}()

	for i := 0; i < 100; i++ {
		go testDevmapperLockReleasedDeviceDeletion_moby17176()
	}
}
