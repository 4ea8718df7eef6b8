// Package literaltimeout: the fixed twins; every channel has room for its senders, or the
// receive cannot be skipped.
package literaltimeout

import (
	"net/http"
	"time"
)

type page struct {
	code int
	body []byte
}

// Timeout renders with render but gives up after d; the buffer keeps the sender free.
func Timeout(d time.Duration, render func(*http.Request) page) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		done := make(chan page, 1)
		go func() {
			done <- render(r)
		}()
		select {
		case p := <-done:
			w.WriteHeader(p.code)
			_, _ = w.Write(p.body)
		case <-time.After(d):
			http.Error(w, "timeout", http.StatusServiceUnavailable)
		}
	})
}

type job struct {
	run func() error
}

func load() error { return nil }

// NewJob checks skip before starting the goroutine.
func NewJob(skip func() bool) job {
	return job{run: func() error {
		if skip() {
			return nil
		}
		errc := make(chan error)
		go func() {
			errc <- load()
		}()
		return <-errc
	}}
}

// Handlers gives every sender a slot.
var Handlers = map[string]func([]string) error{
	"fetch": func(urls []string) error {
		errc := make(chan error, len(urls))
		for range urls {
			go func() {
				errc <- load()
			}()
		}
		return <-errc
	},
}

func each(f func(int)) { f(1) }

// Poll selects on the send too.
func Poll(d time.Duration) {
	each(func(n int) {
		res := make(chan int)
		quit := make(chan struct{})
		defer close(quit)
		go func() {
			select {
			case res <- n * 2:
			case <-quit:
			}
		}()
		select {
		case <-res:
		case <-time.After(d):
		}
	})
}

// Shared: a callback receiving from a channel made outside it may run many times.
func Shared(d time.Duration) func() {
	res := make(chan int)
	go func() {
		for i := 0; ; i++ {
			res <- i
		}
	}()
	return func() {
		select {
		case <-res:
		case <-time.After(d):
		}
	}
}
