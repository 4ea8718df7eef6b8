package condlostwakeup

import "sync"

type queue struct {
	cond  *sync.Cond
	items []int
}

func newQueue() *queue {
	return &queue{cond: sync.NewCond(&sync.Mutex{})}
}

// get waits until an item is there: a signal sent early is not needed.
func (q *queue) get() int {
	q.cond.L.Lock()
	defer q.cond.L.Unlock()
	for len(q.items) == 0 {
		q.cond.Wait()
	}
	v := q.items[0]
	q.items = q.items[1:]
	return v
}

func (q *queue) put(v int) {
	q.cond.L.Lock()
	q.items = append(q.items, v)
	q.cond.L.Unlock()
	q.cond.Signal()
}

func run(n int) {
	q := newQueue()
	go q.get()
	for i := 0; i < n; i++ {
		q.put(i)
	}
}

type starter struct {
	mu   sync.Mutex
	cond *sync.Cond
}

// wait holds the lock from before the goroutine starts until Wait releases it, and the
// goroutine signals under that lock: the signal cannot come before the waiter parks.
func (s *starter) wait() {
	s.mu.Lock()
	go s.ready()
	s.cond.Wait()
	s.mu.Unlock()
}

func (s *starter) ready() {
	s.mu.Lock()
	s.cond.Signal()
	s.mu.Unlock()
}

func newStarter() *starter {
	s := &starter{}
	s.cond = sync.NewCond(&s.mu)
	return s
}
