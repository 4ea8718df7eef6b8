package sendlock

import (
	"context"
	"sync"
	"time"
)

// --- a handler reports while holding a lock the receiver takes first ---------------------

func handshake(register func(func())) {
	var mu sync.Mutex
	done := make(chan bool)
	register(func() {
		mu.Lock()
		defer mu.Unlock()
		done <- true // want "GR401"
	})
	mu.Lock()
	mu.Unlock()
	<-done
}

// Fixed: the handler releases the lock before reporting.
func handshake2(register func(func())) {
	var mu sync.Mutex
	done := make(chan bool)
	register(func() {
		mu.Lock()
		mu.Unlock()
		done <- true
	})
	mu.Lock()
	mu.Unlock()
	<-done
}

// Fine: the receiver takes the lock only after it received.
func handshake3(register func(func())) {
	var mu sync.Mutex
	done := make(chan bool)
	register(func() {
		mu.Lock()
		defer mu.Unlock()
		done <- true
	})
	<-done
	mu.Lock()
	mu.Unlock()
}

// --- a worker loop that takes the sender's lock between receives ----------------------------

type keeper struct {
	addCh    chan string
	stopCh   chan struct{}
	tokens   map[string]time.Time
	onExpire func(string)
}

func newKeeper(onExpire func(string)) *keeper {
	k := &keeper{addCh: make(chan string, 1), stopCh: make(chan struct{}), tokens: map[string]time.Time{}, onExpire: onExpire}
	go k.run()
	return k
}

func (k *keeper) run() {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case t := <-k.addCh:
			k.tokens[t] = time.Now()
		case <-tick.C:
			for t := range k.tokens {
				k.onExpire(t)
				delete(k.tokens, t)
			}
		case <-k.stopCh:
			return
		}
	}
}

func (k *keeper) add(t string) { k.addCh <- t }

func (k *keeper) stop() { close(k.stopCh) }

type tokens struct {
	mu     sync.Mutex
	keeper *keeper
	users  map[string]string
}

func newTokens() *tokens {
	t := &tokens{users: map[string]string{}}
	t.keeper = newKeeper(func(tk string) {
		t.mu.Lock()
		defer t.mu.Unlock()
		delete(t.users, tk)
	})
	return t
}

func (t *tokens) assign(user, tk string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.users[tk] = user
	t.keeper.add(tk) // want "GR401"
}

// Fixed: the token is handed over after the unlock.
func (t *tokens) assign2(user, tk string) {
	t.mu.Lock()
	t.users[tk] = user
	k := t.keeper
	t.mu.Unlock()
	k.add(tk)
}

// --- a loop that never needs the lock: fine ----------------------------------------------

type pump struct {
	mu   sync.Mutex
	out  chan int
	last int
}

func newPump() *pump {
	p := &pump{out: make(chan int)}
	go p.drain()
	return p
}

func (p *pump) drain() {
	for v := range p.out {
		_ = v
	}
}

func (p *pump) push(v int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.last = v
	p.out <- v
}

// Fine: the send gives up when the context ends.
type relay struct {
	mu  sync.Mutex
	out chan int
	n   int
}

func newRelay() *relay {
	r := &relay{out: make(chan int)}
	go r.loop()
	return r
}

func (r *relay) loop() {
	for v := range r.out {
		r.mu.Lock()
		r.n += v
		r.mu.Unlock()
	}
}

func (r *relay) push(ctx context.Context, v int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	select {
	case r.out <- v:
	case <-ctx.Done():
	}
}

// --- a stop channel handed to a monitor goroutine through a getter -------------------------

type health struct {
	stop chan struct{}
}

func (h *health) monitorChannel() chan struct{} { return h.stop }

func (h *health) stopMonitor() {
	if h.stop != nil {
		h.stop <- struct{}{}
	}
}

type container struct {
	sync.Mutex
	health *health
	probes int
}

func monitor(c *container, stop chan struct{}) {
	for {
		select {
		case <-stop:
			return
		default:
			probe(c)
		}
	}
}

func probe(c *container) {
	c.Lock()
	defer c.Unlock()
	c.probes++
}

func startMonitor(c *container) {
	if stop := c.health.monitorChannel(); stop != nil {
		go monitor(c, stop)
	}
}

func stateChanged(c *container) {
	c.Lock()
	defer c.Unlock()
	c.health.stopMonitor() // want "GR401"
}

// Fixed: closing the channel never waits for the monitor.
type health2 struct {
	stop chan struct{}
}

func (h *health2) monitorChannel() chan struct{} { return h.stop }

func (h *health2) stopMonitor() {
	if h.stop != nil {
		close(h.stop)
		h.stop = nil
	}
}

type container2 struct {
	sync.Mutex
	health *health2
	probes int
}

func monitor2(c *container2, stop chan struct{}) {
	for {
		select {
		case <-stop:
			return
		default:
			probe2(c)
		}
	}
}

func probe2(c *container2) {
	c.Lock()
	defer c.Unlock()
	c.probes++
}

func startMonitor2(c *container2) {
	if stop := c.health.monitorChannel(); stop != nil {
		go monitor2(c, stop)
	}
}

func stateChanged2(c *container2) {
	c.Lock()
	defer c.Unlock()
	c.health.stopMonitor()
}

// Fine: the receiver locks (and unlocks) before it starts the sender.
func lockThenSpawn() {
	var mu sync.Mutex
	mu.Lock()
	mu.Unlock()
	done := make(chan bool)
	go func() {
		mu.Lock()
		defer mu.Unlock()
		done <- true
	}()
	<-done
}
