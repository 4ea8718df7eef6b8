package overfill

type compactor struct {
	ch chan struct{}
}

// start signals once, then starts the loop that drains the signals.
func (c *compactor) start(stop chan struct{}) {
	c.ch <- struct{}{} // want "GR202"
	go func() {
		for {
			select {
			case <-c.ch:
			case <-stop:
				return
			}
		}
	}()
}

// The caller already signalled: the one slot is full before the receiver exists.
func run(stop chan struct{}) {
	c := &compactor{ch: make(chan struct{}, 1)}
	c.ch <- struct{}{}
	c.start(stop)
}

type goodCompactor struct {
	ch chan struct{}
}

func (c *goodCompactor) start(stop chan struct{}) {
	c.ch <- struct{}{}
	go func() {
		for {
			select {
			case <-c.ch:
			case <-stop:
				return
			}
		}
	}()
}

// Fixed twin: room for both signals.
func runFixed(stop chan struct{}) {
	c := &goodCompactor{ch: make(chan struct{}, 2)}
	c.ch <- struct{}{}
	c.start(stop)
}
