package gr202mixed

import "sync"

// --- holds the mutex while it waits to receive; the sender locks it first ---------------

type client struct {
	mu     sync.Mutex
	wake   chan struct{}
	active []int
}

func newClient() *client {
	c := &client{wake: make(chan struct{})}
	go c.keepalive()
	return c
}

func (c *client) keepalive() {
	c.mu.Lock()
	if len(c.active) == 0 {
		<-c.wake // want "GR202"
	}
	c.mu.Unlock()
}

func (c *client) add(n int) {
	c.mu.Lock()
	c.active = append(c.active, n)
	select {
	case c.wake <- struct{}{}:
	default:
	}
	c.mu.Unlock()
}

// Fixed: the waiter releases the mutex before it blocks.

type fixedClient struct {
	mu     sync.Mutex
	wake   chan struct{}
	active []int
}

func newFixedClient() *fixedClient {
	c := &fixedClient{wake: make(chan struct{})}
	go c.keepalive()
	return c
}

func (c *fixedClient) keepalive() {
	c.mu.Lock()
	idle := len(c.active) == 0
	c.mu.Unlock()
	if idle {
		<-c.wake
	}
}

func (c *fixedClient) add(n int) {
	c.mu.Lock()
	c.active = append(c.active, n)
	select {
	case c.wake <- struct{}{}:
	default:
	}
	c.mu.Unlock()
}

// --- stops the worker while holding the mutex the worker needs to finish ------------------

type broadcasts struct {
	mu      sync.Mutex
	updates chan int
	done    chan struct{}
}

func newBroadcasts() *broadcasts {
	b := &broadcasts{updates: make(chan int, 1), done: make(chan struct{})}
	go func() {
		defer close(b.done)
		for u := range b.updates {
			b.apply(u)
		}
	}()
	return b
}

func (b *broadcasts) apply(int) {
	b.mu.Lock()
	b.mu.Unlock()
}

func (b *broadcasts) stop() {
	b.mu.Lock()
	defer b.mu.Unlock()
	close(b.updates)
	<-b.done // want "GR202"
}

// Fixed: wait for the worker after unlocking.

type fixedBroadcasts struct {
	mu      sync.Mutex
	updates chan int
	done    chan struct{}
}

func newFixedBroadcasts() *fixedBroadcasts {
	b := &fixedBroadcasts{updates: make(chan int, 1), done: make(chan struct{})}
	go func() {
		defer close(b.done)
		for u := range b.updates {
			b.apply(u)
		}
	}()
	return b
}

func (b *fixedBroadcasts) apply(int) {
	b.mu.Lock()
	b.mu.Unlock()
}

func (b *fixedBroadcasts) stop() {
	b.mu.Lock()
	close(b.updates)
	b.mu.Unlock()
	<-b.done
}

// --- sends while holding the lock; the receiver locks it after each receive ---------------

type status struct {
	mu      sync.Mutex
	updates chan bool
}

func newStatus() *status {
	s := &status{updates: make(chan bool)}
	go func() {
		for i := 0; i < 2; i++ {
			s.sync()
		}
	}()
	return s
}

func (s *status) sync() {
	<-s.updates
	s.mu.Lock()
	s.mu.Unlock()
}

func (s *status) set() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.updates <- true // want "GR202"
}

// Fixed: send after unlocking.

type fixedStatus struct {
	mu      sync.Mutex
	updates chan bool
}

func newFixedStatus() *fixedStatus {
	s := &fixedStatus{updates: make(chan bool)}
	go func() {
		for i := 0; i < 2; i++ {
			s.sync()
		}
	}()
	return s
}

func (s *fixedStatus) sync() {
	<-s.updates
	s.mu.Lock()
	s.mu.Unlock()
}

func (s *fixedStatus) set() {
	s.mu.Lock()
	s.mu.Unlock()
	s.updates <- true
}

var _ = []any{newClient, (*client).add, newFixedClient, (*fixedClient).add, newBroadcasts, (*broadcasts).stop,
	newFixedBroadcasts, (*fixedBroadcasts).stop, newStatus, (*status).set, newFixedStatus, (*fixedStatus).set}
