package gr302_fields

import (
	"context"
	"log"
	"sync"
	"time"
)

// A cancel func kept in a struct field through a composite literal that nothing in the
// package ever calls: the context lives as long as its parent.

type watcher struct {
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
}

func newWatcher(parent context.Context) *watcher {
	ctx, cancel := context.WithCancel(parent) // want "GR302"
	w := &watcher{ctx: ctx, cancel: cancel, done: make(chan struct{})}
	go w.loop()
	return w
}

func (w *watcher) loop() {
	defer close(w.done)
	<-w.ctx.Done()
}

func (w *watcher) Close() { <-w.done }

type session struct {
	id   string
	ctx  context.Context
	stop context.CancelFunc
}

type manager struct {
	mu       sync.Mutex
	sessions map[string]*session
}

func (m *manager) start(parent context.Context, id string) context.Context {
	ctx, stop := context.WithCancel(parent) // want "GR302"
	m.mu.Lock()
	m.sessions[id] = &session{id: id, ctx: ctx, stop: stop}
	m.mu.Unlock()
	return ctx
}

func (m *manager) end(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.sessions, id)
}

// A goroutine is the only user of the cancel func, and calls it only on failure.
func startJob(parent context.Context, run func(context.Context) error, limit time.Duration) {
	ctx, cancel := context.WithTimeout(parent, limit) // want "GR302"
	go func() {
		if err := run(ctx); err != nil {
			log.Print(err)
			cancel()
		}
	}()
}

// --- negatives ---

// An exported field: importers may call it.
type Handle struct {
	Ctx  context.Context
	Stop context.CancelFunc
}

func NewHandle(parent context.Context) *Handle {
	ctx, cancel := context.WithCancel(parent)
	return &Handle{Ctx: ctx, Stop: cancel}
}

// A map literal key is a value, not a field name.
func byName(parent context.Context) map[string]context.CancelFunc {
	_, cancel := context.WithCancel(parent)
	return map[string]context.CancelFunc{"main": cancel}
}

// The goroutine is not the only user: the caller cancels too.
func raced(parent context.Context, run func(context.Context) error) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	go func() {
		if run(ctx) != nil {
			cancel()
		}
	}()
	return nil
}

// The other context's Done says nothing about this one.
func stopOnOther(parent, other context.Context, stop <-chan struct{}) context.Context {
	ctx, cancel := context.WithCancel(parent) // want "GR302"
	go func() {
		select {
		case <-other.Done():
			return
		case <-stop:
			cancel()
		}
	}()
	return ctx
}
