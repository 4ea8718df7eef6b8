package timerdrain

import "time"

type debouncer struct {
	timer *time.Timer
	reset chan struct{}
	quit  chan struct{}
	fire  func()
}

// loop drains without blocking: the value may already have been received.
func (d *debouncer) loop() {
	for {
		select {
		case <-d.timer.C:
			d.fire()
		case <-d.reset:
			if !d.timer.Stop() {
				select {
				case <-d.timer.C:
				default:
				}
			}
			d.timer.Reset(time.Second)
		case <-d.quit:
			d.timer.Stop()
			return
		}
	}
}

func (d *debouncer) Start() {
	go d.loop()
}

// poll re-arms the timer in the case that consumes it, so the drain always finds a
// running timer (Stop true) or a pending value.
func poll(events <-chan int, done <-chan struct{}, flush func()) {
	t := time.NewTimer(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			flush()
			t.Reset(time.Minute)
		case <-events:
			if !t.Stop() {
				<-t.C
			}
			t.Reset(time.Minute)
		case <-done:
			return
		}
	}
}

// once drains a timer nothing else receives from.
func once(events <-chan int) {
	t := time.NewTimer(time.Minute)
	<-events
	if !t.Stop() {
		<-t.C
	}
}
