package gr303new

import "time"

type Report struct {
	Rows [4096]int64
}

// Go 1.23+: unreferenced timers are collected, so none of these leak.

func pollAfter(stop <-chan struct{}, work func()) {
	for {
		select {
		case <-stop:
			return
		case <-time.After(time.Minute):
			work()
		}
	}
}

func tickUntil(stop <-chan struct{}) int {
	n := 0
	tc := time.Tick(time.Second)
	for {
		select {
		case <-stop:
			return n
		case <-tc:
			n++
		}
	}
}

func tickerNotStopped(limit int) int {
	t := time.NewTicker(time.Second)
	n := 0
	for range t.C {
		n++
		if n > limit {
			return n
		}
	}
	return n
}

// AfterFunc timers are held by the runtime until they fire, in every version.
func scheduleFlush(r *Report, flush func(*Report)) {
	time.AfterFunc(time.Hour, func() { flush(r) }) // want "GR303"
}
