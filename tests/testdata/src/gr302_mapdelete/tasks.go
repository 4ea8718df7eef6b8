package tasks

import (
	"context"
	"sync"
)

type Registry struct {
	mu      sync.Mutex
	base    context.Context
	running map[int]context.CancelFunc
	next    int
}

func NewRegistry(base context.Context) *Registry {
	return &Registry{base: base, running: make(map[int]context.CancelFunc)}
}

func (r *Registry) Go(work func(context.Context)) int {
	ctx, cancel := context.WithCancel(r.base)
	r.mu.Lock()
	r.next++
	id := r.next
	r.running[id] = cancel
	r.mu.Unlock()
	go func() {
		work(ctx)
		r.done(id)
	}()
	return id
}

func (r *Registry) done(id int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.running, id) // want "GR302"
}

func (r *Registry) Abort(id int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if cancel, ok := r.running[id]; ok {
		cancel()
		delete(r.running, id)
	}
}
