package gr203

import (
	"context"
	"sync"
)

func forwardBad(events <-chan string, out chan<- string) {
	go func() {
		for { // want "GR203"
			select {
			case e := <-events:
				out <- e
			}
		}
	}()
}

func forwardCtx(ctx context.Context, events <-chan string, out chan<- string) {
	go func() {
		for {
			select {
			case e := <-events:
				out <- e
			case <-ctx.Done():
				return
			}
		}
	}()
}

func forwardClosed(events <-chan string, out chan<- string) {
	go func() {
		for {
			e, ok := <-events
			if !ok {
				return
			}
			out <- e
		}
	}()
}

type pump struct {
	in   chan int
	quit chan struct{}
}

func (p *pump) loop() {
	for { // want "GR203"
		select {
		case v := <-p.in:
			_ = v
		}
	}
}

func (p *pump) loopQuit() {
	for {
		select {
		case v := <-p.in:
			_ = v
		case <-p.quit:
			return
		}
	}
}

func (p *pump) start() {
	go p.loop()
	go p.loopQuit()
}

// Daemons started at most once per process are meant to run for its whole life.
var (
	relayOnce sync.Once
	relayIn   chan string
	sigIn     chan int
)

func startRelay(out chan<- string) {
	relayOnce.Do(func() {
		relayIn = make(chan string)
		go func() {
			for {
				select {
				case s := <-relayIn:
					out <- s
				}
			}
		}()
	})
}

func ensureSignals(handle func(int)) {
	if sigIn != nil {
		return
	}
	sigIn = make(chan int)
	go func() {
		for {
			select {
			case s := <-sigIn:
				handle(s)
			}
		}
	}()
}

// Without the guard, every call starts another goroutine that never ends.
func startEach(in chan int, handle func(int)) {
	go func() {
		for { // want "GR203"
			select {
			case s := <-in:
				handle(s)
			}
		}
	}()
}
