package condsignal

import "sync"

// Fixed: producers signal after every change.
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
	q.cond.Signal()
	q.mu.Unlock()
}

func (q *queue) get() (string, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 && !q.shut {
		q.cond.Wait()
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
	q.cond.Broadcast()
}

// Fixed: release broadcasts through a helper the Cond is passed to.
type gate struct {
	c    *sync.Cond
	open bool
}

func newGate() *gate { return &gate{c: sync.NewCond(&sync.Mutex{})} }

func (g *gate) pass() {
	g.c.L.Lock()
	for !g.open {
		g.c.Wait()
	}
	g.c.L.Unlock()
}

func wakeAll(c *sync.Cond) { c.Broadcast() }

func (g *gate) release() {
	g.c.L.Lock()
	g.open = true
	g.c.L.Unlock()
	wakeAll(g.c)
}

// Other packages can signal an exported Cond.
type Latch struct {
	Cond *sync.Cond
	done bool
}

func (l *Latch) Await() {
	l.Cond.L.Lock()
	for !l.done {
		l.Cond.Wait()
	}
	l.Cond.L.Unlock()
}

func (l *Latch) Finish() {
	l.Cond.L.Lock()
	l.done = true
	l.Cond.L.Unlock()
}

// The state is set before anyone waits (in the waiter's own goroutine): no Signal needed.
type once struct {
	set   *sync.Cond
	value *string
}

func (o *once) wait() string {
	o.set.L.Lock()
	for o.value == nil {
		o.set.Wait()
	}
	o.set.L.Unlock()
	return *o.value
}

func useOnce() string {
	s := "v"
	o := &once{set: sync.NewCond(&sync.Mutex{})}
	o.value = &s
	return o.wait()
}
