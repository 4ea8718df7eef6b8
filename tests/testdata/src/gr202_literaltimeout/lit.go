// Package literaltimeout: the stranded-sender shapes inside func literals that are not
// go statements (a conversion, a struct field, a map value, a call argument). Every call
// of such a literal makes its own channel, so its receive takes one value per run.
package literaltimeout

import (
	"net/http"
	"time"
)

type page struct {
	code int
	body []byte
}

// Timeout renders with render but gives up after d.
func Timeout(d time.Duration, render func(*http.Request) page) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		done := make(chan page)
		go func() {
			done <- render(r) // want "GR202"
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

// NewJob: the literal is a struct field; the caller may return before the receive.
func NewJob(skip func() bool) job {
	return job{run: func() error {
		errc := make(chan error)
		go func() {
			errc <- load() // want "GR202"
		}()
		if skip() {
			return nil
		}
		return <-errc
	}}
}

// Handlers: the literal is a map value; several senders, one receive.
var Handlers = map[string]func([]string) error{
	"fetch": func(urls []string) error {
		errc := make(chan error)
		for range urls {
			go func() {
				errc <- load() // want "GR202"
			}()
		}
		return <-errc
	},
}

func each(f func(int)) { f(1) }

// Poll: the literal is a call argument and waits with a timeout.
func Poll(d time.Duration) {
	each(func(n int) {
		res := make(chan int)
		go func() {
			res <- n * 2 // want "GR202"
		}()
		select {
		case <-res:
		case <-time.After(d):
		}
	})
}
