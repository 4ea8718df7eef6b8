package gr203

import "context"

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
