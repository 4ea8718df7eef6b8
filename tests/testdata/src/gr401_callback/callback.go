package callback

import (
	"context"
	"sync"
)

// --- a callback installed by a setter re-locks the mutex held around its call ----------

type Checkpointer func(ctx context.Context)

type lessor struct {
	mu sync.RWMutex
	cp Checkpointer
}

func (le *lessor) Checkpoint() {
	le.mu.Lock()
	defer le.mu.Unlock()
}

func (le *lessor) SetCheckpointer(cp Checkpointer) {
	le.mu.Lock()
	defer le.mu.Unlock()
	le.cp = cp
}

func (le *lessor) Renew() {
	le.mu.Lock()
	defer le.mu.Unlock()
	if le.cp != nil {
		le.cp(context.Background()) // want "GR401"
	}
}

func newLessor() *lessor {
	le := &lessor{}
	le.SetCheckpointer(func(ctx context.Context) { le.Checkpoint() })
	return le
}

// Fixed: the lock is released before the callback runs.
type lessor2 struct {
	mu sync.RWMutex
	cp Checkpointer
}

func (le *lessor2) Checkpoint() {
	le.mu.Lock()
	defer le.mu.Unlock()
}

func (le *lessor2) SetCheckpointer(cp Checkpointer) {
	le.mu.Lock()
	defer le.mu.Unlock()
	le.cp = cp
}

func (le *lessor2) Renew() {
	le.mu.Lock()
	unlock := func() { le.mu.Unlock() }
	defer func() { unlock() }()
	if le.cp != nil {
		unlock()
		unlock = func() {}
		le.cp(context.Background())
	}
}

func newLessor2() *lessor2 {
	le := &lessor2{}
	le.SetCheckpointer(func(ctx context.Context) { le.Checkpoint() })
	return le
}

// --- a function parameter run under the lock -------------------------------------------

type store struct {
	mu    sync.Mutex
	items map[string]int
}

func (s *store) withLock(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f() // want "GR401"
}

func (s *store) size() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.items)
}

func (s *store) report() int {
	n := 0
	s.withLock(func() { n = s.size() })
	return n
}

// Fine: the callback reads the map directly, or locks another store.
func (s *store) report2(other *store) int {
	n := 0
	s.withLock(func() { n = len(s.items) })
	s.withLock(func() { n += other.size() })
	return n
}

// --- a method value stored in a field ---------------------------------------------------

type watcher struct {
	mu       sync.Mutex
	onChange func()
	n        int
}

func (w *watcher) refresh() {
	w.mu.Lock()
	w.n++
	w.mu.Unlock()
}

func newWatcher() *watcher {
	w := &watcher{}
	w.onChange = w.refresh
	return w
}

func (w *watcher) notify() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.onChange() // want "GR401"
}

// Fine: the handler runs after the unlock.
type watcher2 struct {
	mu       sync.Mutex
	onChange func()
	n        int
}

func (w *watcher2) refresh() {
	w.mu.Lock()
	w.n++
	w.mu.Unlock()
}

func newWatcher2() *watcher2 {
	w := &watcher2{}
	w.onChange = w.refresh
	return w
}

func (w *watcher2) notify() {
	w.mu.Lock()
	h := w.onChange
	w.mu.Unlock()
	h()
}

// Fine: read locks nest (no writer in this package).
type table struct {
	mu     sync.RWMutex
	visit  func(string)
	names  []string
	counts map[string]int
}

func (t *table) count(name string) int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.counts[name]
}

func (t *table) each() {
	t.mu.RLock()
	defer t.mu.RUnlock()
	for _, n := range t.names {
		t.visit(n)
	}
}

func newTable() *table {
	t := &table{counts: map[string]int{}}
	t.visit = func(n string) { _ = t.count(n) }
	return t
}
