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

// Go 1.23+: a ticker kept in a package var and never stopped stays referenced.
var heartbeat = time.NewTicker(time.Second) // want "GR303"

func beats() <-chan time.Time { return heartbeat.C }

// A field of a long-lived struct, never stopped.
type poller struct {
	t     *time.Ticker
	timer *time.Timer
	done  *time.Ticker
}

var defaultPoller = &poller{}

func (p *poller) start() {
	p.t = time.NewTicker(time.Minute) // want "GR303"
	p.timer = time.NewTimer(time.Hour) // want "GR303"
	p.done = time.NewTicker(time.Second)
}

// Stopped somewhere in the package: fine.
func (p *poller) stop() {
	p.done.Stop()
}

// Handed off: the caller may stop it.
var shared = time.NewTicker(time.Second)

func sharedTicker() *time.Ticker { return shared }

// A goroutine that loops forever with its own ticker and never stops it.
func startBeacon(send func()) {
	go func() {
		t := time.NewTicker(time.Second) // want "GR303"
		for range t.C {
			send()
		}
	}()
}

// The same loop with an exit: the ticker becomes unreferenced after it returns.
func startBeaconUntil(send func(), stop <-chan struct{}) {
	go func() {
		t := time.NewTicker(time.Second)
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				send()
			}
		}
	}()
}

// A local ticker in an ordinary function: collected in 1.23+ after return.
func localTimer() {
	t := time.NewTimer(time.Second)
	<-t.C
}

// A ticker in a field of a package-level composite literal, never stopped.
type clock struct{ clk *time.Ticker }

var defaultClock = &clock{clk: time.NewTicker(time.Second)} // want "GR303"

func (c *clock) ticks() <-chan time.Time { return c.clk.C }

// The same struct made per call: collected with its owner in 1.23+.
func newClock() *clock { return &clock{clk: time.NewTicker(time.Second)} }
