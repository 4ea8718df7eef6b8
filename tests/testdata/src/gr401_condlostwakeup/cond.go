package condlostwakeup

import "sync"

type queue struct {
	cond  *sync.Cond
	items []int
}

func newQueue() *queue {
	return &queue{cond: sync.NewCond(&sync.Mutex{})}
}

// get waits for the next signal with no condition: a signal sent before it parks is lost.
func (q *queue) get() {
	q.cond.L.Lock()
	defer q.cond.L.Unlock()
	q.cond.Wait() // want "GR401"
}

// put signals without the lock and without recording anything.
func (q *queue) put() {
	q.cond.Signal()
}

func run(n int) {
	q := newQueue()
	go q.get()
	for i := 0; i < n; i++ {
		q.put()
	}
}
