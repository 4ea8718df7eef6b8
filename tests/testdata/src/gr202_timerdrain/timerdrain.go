package timerdrain

import "time"

type debouncer struct {
	timer *time.Timer
	reset chan struct{}
	quit  chan struct{}
	fire  func()
}

// loop takes the timer's value in one case, then drains it again in another:
// after a fire, Stop returns false and the drain blocks forever.
func (d *debouncer) loop() {
	for {
		select {
		case <-d.timer.C:
			d.fire()
		case <-d.reset:
			if !d.timer.Stop() {
				<-d.timer.C // want "GR202"
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

func poll(events <-chan int, done <-chan struct{}, flush func()) {
	t := time.NewTimer(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			flush()
		case <-events:
			if !t.Stop() {
				<-t.C // want "GR202"
			}
			t.Reset(time.Minute)
		case <-done:
			return
		}
	}
}
