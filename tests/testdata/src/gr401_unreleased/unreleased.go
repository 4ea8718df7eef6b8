package unreleased

import (
	"errors"
	"sync"
)

// --- a Cond nobody broadcasts, waiting for a state nobody changes ----------------------

type plugin struct {
	ready    *sync.Cond
	err      error
	manifest *string
}

func (p *plugin) activated() bool { return p.manifest != nil }

func (p *plugin) waitActive() error {
	p.ready.L.Lock()
	for !p.activated() {
		p.ready.Wait() // want "GR401"
	}
	p.ready.L.Unlock()
	return p.err
}

func startPlugin() error {
	p := &plugin{ready: sync.NewCond(&sync.Mutex{})}
	p.err = errors.New("activation failed")
	done := make(chan error, 1)
	go func() { done <- p.waitActive() }()
	return <-done
}

// Fixed: activation broadcasts, on the error path too.
type plugin2 struct {
	activated2Cond *sync.Cond
	err            error
	manifest       *string
}

func (p *plugin2) activated() bool { return p.manifest != nil || p.err != nil }

func (p *plugin2) waitActive() error {
	p.activated2Cond.L.Lock()
	for !p.activated() {
		p.activated2Cond.Wait()
	}
	p.activated2Cond.L.Unlock()
	return p.err
}

func (p *plugin2) fail(err error) {
	p.activated2Cond.L.Lock()
	p.err = err
	p.activated2Cond.L.Unlock()
	p.activated2Cond.Broadcast()
}

func startPlugin2() error {
	p := &plugin2{activated2Cond: sync.NewCond(&sync.Mutex{})}
	go p.fail(errors.New("activation failed"))
	return p.waitActive()
}

// Fixed differently: the state is set before anyone waits (no Broadcast needed).
type plugin3 struct {
	set      *sync.Cond
	manifest *string
}

func (p *plugin3) waitActive() {
	p.set.L.Lock()
	for p.manifest == nil {
		p.set.Wait()
	}
	p.set.L.Unlock()
}

func startPlugin3() {
	s := "m"
	p := &plugin3{set: sync.NewCond(&sync.Mutex{})}
	p.manifest = &s
	p.waitActive()
}

// A Cond handed to another function may be signalled there: not judged.
type queue struct {
	cond  *sync.Cond
	items []int
}

func (q *queue) get() int {
	q.cond.L.Lock()
	defer q.cond.L.Unlock()
	for len(q.items) == 0 {
		q.cond.Wait()
	}
	return q.items[0]
}

func wake(c *sync.Cond) { c.Broadcast() }

func useQueue(q *queue) { wake(q.cond) }

// --- a WaitGroup with Adds and no Done -------------------------------------------------

type stopper struct {
	mu    sync.Mutex
	drain sync.WaitGroup
}

func (s *stopper) startTask() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drain.Add(1)
}

func (s *stopper) quiesce() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drain.Wait() // want "GR401"
}

// Fixed: tasks finish.
type stopper2 struct {
	mu    sync.Mutex
	tasks sync.WaitGroup
}

func (s *stopper2) startTask() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tasks.Add(1)
}

func (s *stopper2) finishTask() { s.tasks.Done() }

func (s *stopper2) quiesce() {
	s.tasks.Wait()
}

func runTasks(n int) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			work(i)
		}()
	}
	wg.Wait() // want "GR401"
}

func runTasks2(n int) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work(i)
		}()
	}
	wg.Wait()
}

// The Done is handed out as a method value.
func runTasks3(n int) {
	var wg sync.WaitGroup
	wg.Add(n)
	for i := 0; i < n; i++ {
		go runWith(wg.Done, i)
	}
	wg.Wait()
}

// The WaitGroup's address goes to a helper: not judged.
func runTasks4(n int) {
	var wg sync.WaitGroup
	wg.Add(n)
	for i := 0; i < n; i++ {
		go helper(&wg, i)
	}
	wg.Wait()
}

func runWith(done func(), i int) {
	defer done()
	work(i)
}

func helper(wg *sync.WaitGroup, i int) {
	defer wg.Done()
	work(i)
}

func work(int) {}
