package gr401_closewake

import "sync"

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

func (q *Queue) Pop() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 {
		q.cond.Wait()
	}
	v := q.items[0]
	q.items = q.items[1:]
	return v
}

// Close flips the state but wakes nobody: Pop's waiters sleep forever.
func (q *Queue) Close() {
	q.mu.Lock()
	q.closed = true // want "GR401"
	q.mu.Unlock()
}

// Pool's waiters check the flag, but Stop never tells them to look.
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

func (p *Pool) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stopped = true // want "GR401"
	p.free = nil
}
