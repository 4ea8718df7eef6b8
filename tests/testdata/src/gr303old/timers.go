package gr303old

import (
	"time"
)

type Report struct {
	Rows [4096]int64
}

// Every other case leaves the loop: at most one timer is pending at a time.
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

// A message case that loops again: each message leaves a timer behind for a minute.
func consumeIdle(in <-chan string, handle func(string)) {
	for {
		select {
		case msg := <-in:
			handle(msg)
		case <-time.After(time.Minute): // want "GR303"
			return
		}
	}
}

// A message case that leaves only when the channel is closed still loops on messages.
func consumeUntilClosed(in <-chan string, stop <-chan struct{}, handle func(string)) {
	for {
		select {
		case <-stop:
			return
		case msg, ok := <-in:
			if !ok {
				return
			}
			handle(msg)
		case <-time.After(time.Second): // want "GR303"
			handle("")
		}
	}
}

// A plain break leaves the select, not the loop.
func retryAfter(stop <-chan struct{}, try func() bool) {
	for !try() {
		select {
		case <-stop:
			break
		case <-time.After(time.Second): // want "GR303"
		}
	}
}

// Both other cases leave the loop (labelled break, panic).
func waitOrFail(stop, fail <-chan struct{}, work func()) {
loop:
	for {
		select {
		case <-stop:
			break loop
		case <-fail:
			panic("failed")
		case <-time.After(time.Minute):
			work()
		}
	}
}

func tickUntil(stop <-chan struct{}) int {
	n := 0
	tc := time.Tick(time.Second) // want "GR303"
	for {
		select {
		case <-stop:
			return n
		case <-tc:
			n++
		}
	}
}

func tickerEarlyReturn(stop <-chan struct{}, limit int) int {
	t := time.NewTicker(time.Second) // want "GR303"
	n := 0
	for range t.C {
		n++
		if n > limit {
			return n
		}
		select {
		case <-stop:
			t.Stop()
			return n
		default:
		}
	}
	return n
}

func scheduleFlush(r *Report, flush func(*Report)) {
	time.AfterFunc(time.Hour, func() { flush(r) }) // want "GR303"
}

// --- negatives ---

func tickForever(work func()) {
	for range time.Tick(time.Second) {
		work()
	}
}

func tickerStopped(stop <-chan struct{}, work func()) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			work()
		}
	}
}

type poller struct{ t *time.Ticker }

func newPoller() *poller {
	t := time.NewTicker(time.Second)
	return &poller{t: t}
}

func (p *poller) Close() { p.t.Stop() }

func afterOnce(ch <-chan int) int {
	select {
	case v := <-ch:
		return v
	case <-time.After(time.Second):
		return 0
	}
}

func smallCapture(id int, done func(int)) {
	time.AfterFunc(time.Second, func() { done(id) })
}

func keptTimer(r *Report, flush func(*Report)) *time.Timer {
	return time.AfterFunc(time.Hour, func() { flush(r) })
}

func main() {
	for range time.Tick(time.Second) {
		break
	}
}

func timerPerIteration(in <-chan int) {
	for {
		t := time.NewTimer(time.Minute) // want "GR303"
		select {
		case v := <-in:
			_ = v
		case <-t.C:
			return
		}
	}
}

func timerPerIterationStopped(in <-chan int) {
	for {
		t := time.NewTimer(time.Minute)
		select {
		case v := <-in:
			t.Stop()
			_ = v
		case <-t.C:
			return
		}
	}
}

func timerReused(in <-chan int) {
	t := time.NewTimer(time.Minute)
	defer t.Stop()
	for {
		t.Reset(time.Minute)
		select {
		case v := <-in:
			_ = v
		case <-t.C:
			return
		}
	}
}

func timerWaitedOut(n int) {
	for i := 0; i < n; i++ {
		t := time.NewTimer(time.Millisecond)
		<-t.C
	}
}

// Two rounds at most: two timers, not a pile-up.
func waitBoth(errc <-chan error) error {
	for i := 0; i < 2; i++ {
		select {
		case err := <-errc:
			if err != nil {
				return err
			}
		case <-time.After(time.Second):
			return nil
		}
	}
	return nil
}
