package gr401_closewake_fixed

import (
	"sync"
	"time"
)

type Queue struct {
	mu     sync.Mutex
	cond   *sync.Cond
	items  []int
	closed bool
}

func NewQueue() *Queue {
	q := &Queue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

func (q *Queue) Push(v int) {
	q.mu.Lock()
	q.items = append(q.items, v)
	q.mu.Unlock()
	q.cond.Signal()
}

func (q *Queue) Pop() (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 && !q.closed {
		q.cond.Wait()
	}
	if len(q.items) == 0 {
		return 0, false
	}
	v := q.items[0]
	q.items = q.items[1:]
	return v, true
}

func (q *Queue) Close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.cond.Broadcast()
}

// Pool wakes its waiters through a helper.
type Pool struct {
	mu      sync.Mutex
	ready   *sync.Cond
	free    []int
	stopped bool
}

func NewPool() *Pool {
	p := &Pool{}
	p.ready = sync.NewCond(&p.mu)
	return p
}

func (p *Pool) Get() (int, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.free) == 0 && !p.stopped {
		p.ready.Wait()
	}
	if p.stopped {
		return 0, false
	}
	v := p.free[len(p.free)-1]
	p.free = p.free[:len(p.free)-1]
	return v, true
}

func (p *Pool) Put(v int) {
	p.mu.Lock()
	p.free = append(p.free, v)
	p.mu.Unlock()
	p.ready.Signal()
}

func (p *Pool) wakeAll() { p.ready.Broadcast() }

func (p *Pool) Stop() {
	p.mu.Lock()
	p.stopped = true
	p.mu.Unlock()
	p.wakeAll()
}

// Ticker-driven waiters: a background loop broadcasts forever, so a late waiter wakes.
type Gate struct {
	mu   sync.Mutex
	cond *sync.Cond
	open bool
	done bool
}

func NewGate() *Gate {
	g := &Gate{}
	g.cond = sync.NewCond(&g.mu)
	go g.tick()
	return g
}

func (g *Gate) tick() {
	for {
		time.Sleep(time.Second)
		g.cond.Broadcast()
	}
}

func (g *Gate) Enter() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for !g.open && !g.done {
		g.cond.Wait()
	}
}

func (g *Gate) Open() {
	g.mu.Lock()
	g.open = true
	g.mu.Unlock()
}

func (g *Gate) Close() {
	g.mu.Lock()
	g.done = true
	g.mu.Unlock()
}
