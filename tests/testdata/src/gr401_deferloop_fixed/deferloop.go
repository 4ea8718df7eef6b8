package deferloop

import (
	"errors"
	"sync"
)

var errShort = errors.New("insufficient funds")

type account struct {
	mu      sync.Mutex
	balance int64
}

type bank struct {
	mu       sync.Mutex
	accounts []*account
	ledger   map[string]int64
	stats    sync.RWMutex
	hits     int
}

// Fixed: each pass releases the lock before the next one.
func (b *bank) replay(entries []string, n int) {
	for i := 0; i < n; i++ {
		b.mu.Lock()
		b.ledger[entries[i]]++
		b.mu.Unlock()
	}
}

// Fixed: the loop body runs in its own function, so the defer runs every pass.
var regMu sync.Mutex

func drain(next func() (string, bool), seen map[string]bool) {
	for {
		k, ok := next()
		if !ok {
			return
		}
		func() {
			regMu.Lock()
			defer regMu.Unlock()
			seen[k] = true
		}()
	}
}

// The loop leaves right after locking: one pass holds the lock.
func (b *bank) first(keys []string) string {
	for _, k := range keys {
		b.mu.Lock()
		defer b.mu.Unlock()
		if b.ledger[k] > 0 {
			return k
		}
		break
	}
	return ""
}

// Read locks without any writer of that mutex: they pile up but nothing waits in between.
type index struct {
	mu    sync.RWMutex
	names map[string]int
}

func (ix *index) count(keys []string) int {
	n := 0
	for _, k := range keys {
		ix.mu.RLock()
		defer ix.mu.RUnlock()
		n += ix.names[k]
	}
	return n
}

func (b *bank) hit() {
	b.stats.Lock()
	b.hits++
	b.stats.Unlock()
}

// Fixed: each account is released at the end of its pass.
func (b *bank) audit() int64 {
	var total int64
	for _, a := range b.accounts {
		a.mu.Lock()
		total += a.balance
		a.mu.Unlock()
	}
	return total
}

// A loop with a small constant trip count: the defers do not pile up.
func (b *bank) pair() int64 {
	var total int64
	for _, a := range [2]*account{b.accounts[0], b.accounts[1]} {
		a.mu.Lock()
		defer a.mu.Unlock()
		total += a.balance
	}
	return total
}

func (b *bank) withdraw(a *account, amt int64) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.balance < amt {
		return errShort
	}
	a.balance -= amt
	return nil
}

// --- locking helpers that return their result locked ---------------------------------

type shard struct {
	mu sync.Mutex
	m  map[string][]byte
}

type shardMap struct {
	shards [16]shard
}

func (m *shardMap) lockShard(k string) *shard {
	s := &m.shards[len(k)%16]
	s.mu.Lock()
	return s
}

// Fixed: a deferred closure releases the shard on every path.
func (m *shardMap) update(k string, f func([]byte) ([]byte, error)) error {
	s := m.lockShard(k)
	defer func() { s.mu.Unlock() }()
	v, err := f(s.m[k])
	if err != nil {
		return err
	}
	s.m[k] = v
	return nil
}

// Fixed: the error path unlocks too.
func (m *shardMap) swap(k string, f func([]byte) ([]byte, error)) error {
	s := m.lockShard(k)
	v, err := f(s.m[k])
	if err != nil {
		s.mu.Unlock()
		return err
	}
	s.m[k] = v
	s.mu.Unlock()
	return nil
}

func (m *shardMap) get(k string) []byte {
	s := m.lockShard(k)
	defer s.mu.Unlock()
	return s.m[k]
}

// Hand-over-hand up a chain, stopping at the first match: deliberate.
type node struct {
	mu     sync.RWMutex
	parent *node
	done   bool
}

func (n *node) firstOpen() *node {
	for _, p := range n.chain() {
		p.mu.RLock()
		defer p.mu.RUnlock()
		if !p.done {
			return p
		}
	}
	return nil
}

func (n *node) chain() []*node {
	var out []*node
	for p := n.parent; p != nil; p = p.parent {
		out = append(out, p)
	}
	return out
}

// Every account locked for a consistent transfer after the loop: deliberate lock-all.
func (b *bank) settle(ids []int, amt int64) {
	for _, id := range ids {
		a := b.accounts[id]
		a.mu.Lock()
		defer a.mu.Unlock()
	}
	for _, id := range ids {
		b.accounts[id].balance -= amt
	}
	b.log(ids)
}

func (b *bank) log(ids []int) { _ = ids }
