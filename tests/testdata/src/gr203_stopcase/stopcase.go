// Package stopcase: for-select loops whose stop case (ctx.Done(), a closed quit channel)
// exists but does not leave the loop.
package stopcase

import (
	"context"
	"log"
	"sync"
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

// The ctx case only logs: after cancellation the loop spins on the closed Done channel.
func (d *Dispatcher) loop(ctx context.Context) {
	for {
		select {
		case t := <-d.tasks:
			if err := t.Fn(); err != nil {
				log.Printf("task %s: %v", t.ID, err)
			}
		case <-ctx.Done(): // want "GR203"
			log.Printf("dispatcher: %v", ctx.Err())
		}
	}
}

func (d *Dispatcher) Submit(t Task) { d.tasks <- t }

type Cache struct {
	mu    sync.Mutex
	items map[string]time.Time
	stop  chan struct{}
}

// The stop case resets the ticker instead of returning.
func NewCache(sweep time.Duration) *Cache {
	c := &Cache{items: map[string]time.Time{}, stop: make(chan struct{})}
	go func() {
		ticker := time.NewTicker(sweep)
		defer ticker.Stop()
		for {
			select {
			case now := <-ticker.C:
				c.evict(now)
			case <-c.stop: // want "GR203"
				ticker.Reset(sweep)
			}
		}
	}()
	return c
}

func (c *Cache) evict(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, exp := range c.items {
		if now.After(exp) {
			delete(c.items, k)
		}
	}
}

func (c *Cache) Close() { close(c.stop) }

// A break in a select case leaves the select, not the loop.
func relay(ctx context.Context, in <-chan string, out func(string)) {
	go func() {
		for {
			select {
			case s := <-in:
				out(s)
			case <-ctx.Done(): // want "GR203"
				break
			}
		}
	}()
}

// The loop can leave, but only through the work case: once ctx is done the loop spins
// until a nil message happens to arrive.
func drain(ctx context.Context, in <-chan []byte, sink func([]byte)) {
	go func() {
		for {
			select {
			case b := <-in:
				if b == nil {
					return
				}
				sink(b)
			case <-ctx.Done(): // want "GR203"
				log.Print("drain: cancelled")
			}
		}
	}()
}
