package condsignal

import "sync"

// A work queue whose producers change the state under the Cond's mutex but never signal.
type queue struct {
	mu    sync.Mutex
	cond  *sync.Cond
	items []string
	shut  bool
}

func newQueue() *queue {
	q := &queue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

func (q *queue) add(item string) {
	q.mu.Lock()
	q.items = append(q.items, item)
	q.mu.Unlock()
}

func (q *queue) get() (string, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 && !q.shut {
		q.cond.Wait() // want "GR401"
	}
	if len(q.items) == 0 {
		return "", false
	}
	it := q.items[0]
	q.items = q.items[1:]
	return it, true
}

func (q *queue) shutDown() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.shut = true
}

// A gate whose state changes under the Cond's own L, with no Broadcast.
type gate struct {
	c    *sync.Cond
	open bool
}

func newGate() *gate { return &gate{c: sync.NewCond(&sync.Mutex{})} }

func (g *gate) pass() {
	g.c.L.Lock()
	for !g.open {
		g.c.Wait() // want "GR401"
	}
	g.c.L.Unlock()
}

func (g *gate) release() {
	g.c.L.Lock()
	g.open = true
	g.c.L.Unlock()
}
