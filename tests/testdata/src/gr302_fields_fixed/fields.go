package gr302_fields_fixed

import (
	"context"
	"log"
	"sync"
	"time"
)

type watcher struct {
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
}

func newWatcher(parent context.Context) *watcher {
	ctx, cancel := context.WithCancel(parent)
	w := &watcher{ctx: ctx, cancel: cancel, done: make(chan struct{})}
	go w.loop()
	return w
}

func (w *watcher) loop() {
	defer close(w.done)
	<-w.ctx.Done()
}

func (w *watcher) Close() {
	w.cancel()
	<-w.done
}

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
	ctx, stop := context.WithCancel(parent)
	m.mu.Lock()
	m.sessions[id] = &session{id: id, ctx: ctx, stop: stop}
	m.mu.Unlock()
	return ctx
}

func (m *manager) end(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if s, ok := m.sessions[id]; ok {
		s.stop()
		delete(m.sessions, id)
	}
}

func startJob(parent context.Context, run func(context.Context) error, limit time.Duration) {
	ctx, cancel := context.WithTimeout(parent, limit)
	go func() {
		defer cancel()
		if err := run(ctx); err != nil {
			log.Print(err)
		}
	}()
}

// Cancelled on every way out of the goroutine, without a defer.
func startJobExplicit(parent context.Context, run func(context.Context) error) {
	ctx, cancel := context.WithCancel(parent)
	go func() {
		if err := run(ctx); err != nil {
			cancel()
			log.Print(err)
			return
		}
		cancel()
	}()
}

// The goroutine waits on a loop that only ends by returning after cancel.
func watchdog(parent context.Context, beat, quit <-chan struct{}) context.Context {
	ctx, cancel := context.WithCancel(parent)
	go func() {
		for {
			select {
			case <-beat:
			case <-quit:
				cancel()
				return
			}
		}
	}()
	return ctx
}

// Once the new context's Done channel is closed it has left its parent: nothing to cancel.
func stopOnSignal(parent context.Context, stop <-chan struct{}) context.Context {
	ctx, cancel := context.WithCancel(parent)
	go func() {
		select {
		case <-ctx.Done():
			return
		case <-stop:
			cancel()
		}
	}()
	return ctx
}
