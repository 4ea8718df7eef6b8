// Package helpermake: the channel's capacity is decided in a same-package helper.
package helpermake

import (
	"errors"
	"time"
)

var ErrTimeout = errors.New("timed out")

type Service interface {
	Ready() error
}

func newErrChan() chan error { return make(chan error) }

// The helper makes an unbuffered channel: after the timeout the sender blocks forever.
func Ready(svc Service, timeout time.Duration) error {
	errc := newErrChan()
	go func() { errc <- svc.Ready() }() // want "GR202"
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case err := <-errc:
		return err
	case <-t.C:
		return ErrTimeout
	}
}

type pool struct{ size int }

func (p *pool) results() chan int {
	if p.size > 0 {
		return make(chan int)
	}
	return make(chan int)
}

// Through a method: every return is an unbuffered make.
func (p *pool) first(work []func() int) int {
	out := p.results()
	for _, w := range work {
		go func(w func() int) { out <- w() }(w) // want "GR202"
	}
	return <-out
}
