package inner

import "sync"

// --- a per-key mutex waited for under the map lock, released under the map lock ------------

type keyLock struct {
	sync.RWMutex
	m map[string]*sync.Mutex
}

func (l *keyLock) lockKey(k string) {
	l.Lock()
	if _, ok := l.m[k]; !ok {
		l.m[k] = &sync.Mutex{}
	}
	l.m[k].Lock() // want "GR401"
	l.Unlock()
}

func (l *keyLock) unlockKey(k string) {
	l.RLock()
	defer l.RUnlock()
	if um, ok := l.m[k]; ok {
		um.Unlock()
	}
}

// Fixed: look the mutex up under the map lock, wait for it after releasing the map lock.
type keyLock2 struct {
	mu sync.Mutex
	m  map[string]*sync.Mutex
}

func (l *keyLock2) lockKey(k string) {
	l.mu.Lock()
	um, ok := l.m[k]
	if !ok {
		um = &sync.Mutex{}
		l.m[k] = um
	}
	l.mu.Unlock()
	um.Lock()
}

func (l *keyLock2) unlockKey(k string) {
	l.mu.Lock()
	um := l.m[k]
	l.mu.Unlock()
	um.Unlock()
}

// Fine: the inner mutex is released before the outer one.
type pair struct {
	outer sync.Mutex
	inner sync.Mutex
	n     int
}

func (p *pair) bump() {
	p.outer.Lock()
	p.inner.Lock()
	p.n++
	p.inner.Unlock()
	p.outer.Unlock()
}

func (p *pair) reset() {
	p.outer.Lock()
	defer p.outer.Unlock()
	p.n = 0
}
