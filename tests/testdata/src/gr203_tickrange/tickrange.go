// Package tickrange: goroutines ranging forever over a channel nothing closes.
package tickrange

import (
	"context"
	"log"
	"net/http"
	"time"
)

type Pump struct {
	in chan []byte
}

func New() *Pump { return &Pump{in: make(chan []byte, 128)} }

func (p *Pump) Push(b []byte) { p.in <- b }

// Start has a ctx but the reporter ignores it: time.Tick never stops.
func (p *Pump) Start(ctx context.Context) {
	p.report()
	go p.run(ctx)
}

func (p *Pump) report() {
	go func() {
		for range time.Tick(time.Minute) { // want "GR203"
			log.Printf("queue depth %d", len(p.in))
		}
	}()
}

func (p *Pump) run(ctx context.Context) {
	for {
		select {
		case b := <-p.in:
			_ = b
		case <-ctx.Done():
			return
		}
	}
}

// Once per request: every request leaves a goroutine behind.
func handle(w http.ResponseWriter, r *http.Request) {
	t := time.NewTicker(time.Second)
	go func() { // want "GR201"
		for range t.C { // want "GR203"
			log.Println(r.URL.Path)
		}
	}()
	w.WriteHeader(http.StatusAccepted)
}

// The owner has a Close, but the goroutine ranges over a package channel nothing closes.
var events = make(chan string, 16)

type Watcher struct {
	seen int
}

func (w *Watcher) Watch() {
	go func() {
		for e := range events { // want "GR203"
			w.seen += len(e)
		}
	}()
}

func (w *Watcher) Close() error { return nil }

func Emit(e string) { events <- e }
