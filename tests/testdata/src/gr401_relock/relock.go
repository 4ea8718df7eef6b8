package gr401relock

import "sync"

// --- a method leaves a loop holding the lock; the next call locks it again ---------------

type gossip struct {
	mu     sync.Mutex
	closed bool
	n      int
}

func (g *gossip) bootstrapBad() {
	for {
		g.mu.Lock() // want "GR401"
		if g.closed {
			break
		}
		g.n++
		g.mu.Unlock()
	}
}

func (g *gossip) manage() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.n--
}

func runBad(g *gossip) {
	go func() {
		g.bootstrapBad()
		g.manage() // want "GR401"
	}()
}

func (g *gossip) bootstrapGood() {
	for {
		g.mu.Lock()
		if g.closed {
			g.mu.Unlock()
			break
		}
		g.n++
		g.mu.Unlock()
	}
}

// A loop left with the lock held that is released after the loop is fine.
func (g *gossip) drainGood() {
	for {
		g.mu.Lock()
		if g.n == 0 {
			break
		}
		g.n--
		g.mu.Unlock()
	}
	g.closed = true
	g.mu.Unlock()
}

func runGood(g *gossip) {
	go func() {
		g.bootstrapGood()
		g.drainGood()
		g.manage()
	}()
}

// --- an error path returns holding the lock; the caller calls again in a loop -------------

type server struct {
	mu    sync.Mutex
	drain bool
}

func (s *server) stopBad() {
	s.mu.Lock() // want "GR401"
	if s.drain {
		return
	}
	s.drain = true
	s.mu.Unlock()
}

func stopAllBad(s *server) {
	for i := 0; i < 3; i++ {
		s.stopBad() // want "GR401"
	}
}

func (s *server) stopGood() {
	s.mu.Lock()
	if s.drain {
		s.mu.Unlock()
		return
	}
	s.drain = true
	s.mu.Unlock()
}

func stopAllGood(s *server) {
	for i := 0; i < 3; i++ {
		s.stopGood()
	}
}

// --- recursive read lock while a writer can queue in between --------------------------------

type rangeCache struct {
	mu sync.RWMutex
	m  map[string]int
}

func (c *rangeCache) lookupBad(k string) int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.size() == 0 { // want "GR401"
		return 0
	}
	return c.m[k]
}

func (c *rangeCache) size() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}

func (c *rangeCache) sizeLocked() int {
	return len(c.m)
}

func (c *rangeCache) lookupGood(k string) int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.sizeLocked() == 0 {
		return 0
	}
	return c.m[k]
}

func (c *rangeCache) put(k string, v int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[k] = v
}

// Without any writer, nested read locks cannot deadlock.
type readOnly struct {
	mu sync.RWMutex
	n  int
}

func (r *readOnly) get() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.n + r.twice()
}

func (r *readOnly) twice() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return 2 * r.n
}
