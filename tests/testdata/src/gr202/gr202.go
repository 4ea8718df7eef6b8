package gr202

import (
	"context"
	"errors"
	"time"
)

func work() (int, error) { return 1, nil }

// --- timeout sender ------------------------------------------------------------------

func timeoutBad(ctx context.Context) int {
	ch := make(chan int)
	go func() {
		v, _ := work()
		ch <- v // want "GR202"
	}()
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}

func timeoutGood(ctx context.Context) int {
	ch := make(chan int, 1)
	go func() {
		v, _ := work()
		ch <- v
	}()
	select {
	case v := <-ch:
		return v
	case <-time.After(time.Second):
		return 0
	}
}

// --- early-return sender -------------------------------------------------------------

func earlyReturnBad(err error) {
	ch := make(chan struct{})
	go func() {
		ch <- struct{}{} // want "GR202"
	}()
	if err != nil {
		return
	}
	<-ch
}

func earlyReturnGood(err error) {
	ch := make(chan struct{}, 1)
	go func() {
		ch <- struct{}{}
	}()
	if err != nil {
		return
	}
	<-ch
}

// --- N sends, one receive ------------------------------------------------------------

func firstBad(items []string) string {
	ch := make(chan string)
	for _, it := range items {
		go func() {
			ch <- it // want "GR202"
		}()
	}
	return <-ch
}

func firstGood(items []string) string {
	ch := make(chan string, len(items))
	for _, it := range items {
		go func() {
			ch <- it
		}()
	}
	return <-ch
}

// --- double send -----------------------------------------------------------------------

func doubleBad() error {
	ch := make(chan error)
	go func() {
		_, err := work()
		if err != nil {
			ch <- err
		}
		ch <- nil // want "GR202"
	}()
	return <-ch
}

func doubleGood() error {
	ch := make(chan error)
	go func() {
		_, err := work()
		if err != nil {
			ch <- err
			return
		}
		ch <- nil
	}()
	return <-ch
}

// --- range over a channel nobody closes -----------------------------------------------

func rangeBad(items []int) {
	ch := make(chan int)
	go func() {
		for v := range ch { // want "GR202"
			_ = v
		}
	}()
	for _, it := range items {
		ch <- it
	}
}

func rangeGood(items []int) {
	ch := make(chan int)
	go func() {
		for v := range ch {
			_ = v
		}
	}()
	for _, it := range items {
		ch <- it
	}
	close(ch)
}

// --- a channel field nobody receives from (method contract) -----------------------------

type watcher struct {
	result chan bool
	errs   chan error
}

func newWatcher() *watcher {
	return &watcher{result: make(chan bool), errs: make(chan error)}
}

func (w *watcher) run(ctx context.Context) {
	select {
	case err := <-w.errs:
		w.result <- err != nil // want "GR202"
	case <-ctx.Done():
	}
}

func (w *watcher) stop() {
	w.errs <- errors.New("stop")
}

type poller struct {
	result chan bool
	errs   chan error
}

func newPoller() *poller {
	return &poller{result: make(chan bool, 1), errs: make(chan error)}
}

func (p *poller) run(ctx context.Context) {
	select {
	case err := <-p.errs:
		select {
		case p.result <- err != nil:
		case <-ctx.Done():
		}
	case <-ctx.Done():
	}
}

func (p *poller) stop(ctx context.Context) bool {
	select {
	case p.errs <- errors.New("stop"):
	case <-ctx.Done():
		return false
	}
	return <-p.result
}

func use(ctx context.Context) {
	w := newWatcher()
	go w.run(ctx)
	go w.stop()
	p := newPoller()
	go p.run(ctx)
	_ = p.stop(ctx)
}
