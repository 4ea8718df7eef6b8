// Package stopcase: the same loops with a stop case that leaves them.
package stopcase

import (
	"context"
	"log"
	"net"
	"time"
)

type Task struct {
	ID string
	Fn func() error
}

type Dispatcher struct {
	tasks chan Task
}

func NewDispatcher(ctx context.Context) *Dispatcher {
	d := &Dispatcher{tasks: make(chan Task, 32)}
	go d.loop(ctx)
	return d
}

func (d *Dispatcher) loop(ctx context.Context) {
	for {
		select {
		case t := <-d.tasks:
			if err := t.Fn(); err != nil {
				log.Printf("task %s: %v", t.ID, err)
			}
		case <-ctx.Done():
			log.Printf("dispatcher: %v", ctx.Err())
			return
		}
	}
}

func (d *Dispatcher) Submit(t Task) { d.tasks <- t }

// A flag set in the stop case and tested after the select.
func flagged(ctx context.Context, in <-chan string, out func(string)) {
	go func() {
		stopping := false
		for {
			select {
			case s := <-in:
				out(s)
			case <-ctx.Done():
				stopping = true
			}
			if stopping {
				return
			}
		}
	}()
}

// A labelled break leaves the loop.
func labelled(ctx context.Context, in <-chan string, out func(string)) {
	go func() {
	loop:
		for {
			select {
			case s := <-in:
				out(s)
			case <-ctx.Done():
				break loop
			}
		}
		log.Print("relay stopped")
	}()
}

// A continue of the outer loop leaves the inner one; the outer loop checks ctx.
func reconnect(ctx context.Context, dial func() (<-chan string, error), out func(string)) {
	go func() {
	outer:
		for ctx.Err() == nil {
			msgs, err := dial()
			if err != nil {
				time.Sleep(time.Second)
				continue
			}
			for {
				select {
				case m := <-msgs:
					out(m)
				case <-ctx.Done():
					continue outer
				}
			}
		}
	}()
}

// The stop case turns itself off: the loop goes on until its input is closed.
func untilClosed(stop <-chan struct{}, in <-chan int, sum func(int)) {
	go func() {
		for {
			select {
			case v, ok := <-in:
				if !ok {
					return
				}
				sum(v)
			case <-stop:
				stop = nil
			}
		}
	}()
}

// The stop case starts the shutdown: closing the conn makes the reader report an error,
// and the error case returns.
type Session struct {
	conn net.Conn
	quit chan struct{}
	errc chan error
}

func (s *Session) serve() {
	for {
		select {
		case <-s.quit:
			s.conn.Close()
		case err := <-s.errc:
			log.Print(err)
			return
		}
	}
}

func (s *Session) Start() {
	go s.serve()
	go func() {
		buf := make([]byte, 512)
		for {
			if _, err := s.conn.Read(buf); err != nil {
				s.errc <- err
				return
			}
		}
	}()
}

func (s *Session) Close() { close(s.quit) }

// A result channel named done is no stop signal: it is only sent on.
func poll(stop <-chan struct{}, work func() bool) {
	go func() {
		for {
			done := make(chan bool, 1)
			go func() { done <- work() }()
			select {
			case <-stop:
				return
			case <-done:
			}
		}
	}()
}

// The exit after the select is reachable from the stop case.
func checked(ctx context.Context, in <-chan string, out func(string)) {
	go func() {
		for {
			select {
			case s := <-in:
				out(s)
			case <-ctx.Done():
				log.Print("cancelled")
			}
			if ctx.Err() != nil {
				return
			}
		}
	}()
}
