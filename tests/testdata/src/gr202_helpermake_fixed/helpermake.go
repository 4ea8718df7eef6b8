// Package helpermake: the helper gives the channel room for the one send.
package helpermake

import (
	"errors"
	"time"
)

var ErrTimeout = errors.New("timed out")

type Service interface {
	Ready() error
}

func newErrChan() chan error { return make(chan error, 1) }

func Ready(svc Service, timeout time.Duration) error {
	errc := newErrChan()
	go func() { errc <- svc.Ready() }()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case err := <-errc:
		return err
	case <-t.C:
		return ErrTimeout
	}
}

func sized(n int) chan int { return make(chan int, n) }

// The capacity comes from the caller: unknown here, so nothing is claimed.
func first(work []func() int) int {
	out := sized(len(work))
	for _, w := range work {
		go func(w func() int) { out <- w() }(w)
	}
	return <-out
}

// A fresh channel per pass, each received once.
func each(work []func() int) int {
	sum := 0
	for _, w := range work {
		ch := newIntChan()
		go func() { ch <- w() }()
		sum += <-ch
	}
	return sum
}

func newIntChan() chan int { return make(chan int) }

// A helper that may hand back a shared channel: not a fresh make.
var shared = make(chan int, 1)

func pick(fresh bool) chan int {
	if fresh {
		return make(chan int)
	}
	return shared
}

func viaPick(f func() int) int {
	ch := pick(true)
	go func() { ch <- f() }()
	select {
	case v := <-ch:
		return v
	case <-time.After(time.Second):
		return 0
	}
}
