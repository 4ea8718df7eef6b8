// Package tickrange: the same goroutines with a way out, and daemons meant to live forever.
package tickrange

import (
	"context"
	"log"
	"os"
	"time"
)

type Pump struct {
	in chan []byte
}

func New() *Pump { return &Pump{in: make(chan []byte, 128)} }

func (p *Pump) Push(b []byte) { p.in <- b }

func (p *Pump) Start(ctx context.Context) {
	p.report(ctx)
}

func (p *Pump) report(ctx context.Context) {
	go func() {
		t := time.NewTicker(time.Minute)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				log.Printf("queue depth %d", len(p.in))
			}
		}
	}()
}

// A range that returns when the ctx ends.
func (p *Pump) sample(ctx context.Context) {
	go func() {
		for now := range time.Tick(time.Second) {
			if ctx.Err() != nil {
				return
			}
			log.Print(now)
		}
	}()
}

// Nothing in the program can stop this one: a process-lifetime daemon by design.
func Watch(path string) {
	go func() {
		for range time.Tick(time.Minute) {
			if st, err := os.Stat(path); err == nil {
				log.Printf("%s modified %s ago", path, time.Since(st.ModTime()))
			}
		}
	}()
}

// Started from init: lives as long as the process.
func init() {
	go func() {
		for range time.Tick(time.Hour) {
			log.Print("still alive")
		}
	}()
}

// A package channel that Close closes: the range ends.
var events = make(chan string, 16)

type Watcher struct {
	seen int
}

func (w *Watcher) Watch() {
	go func() {
		for e := range events {
			w.seen += len(e)
		}
	}()
}

func (w *Watcher) Close() error {
	close(events)
	return nil
}

func Emit(e string) { events <- e }
