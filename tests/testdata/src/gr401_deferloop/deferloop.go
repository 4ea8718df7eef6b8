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

// Every pass locks the bank's one mutex; the deferred Unlock waits for the return.
func (b *bank) replay(entries []string, n int) {
	for i := 0; i < n; i++ {
		b.mu.Lock() // want "GR401"
		defer b.mu.Unlock()
		b.ledger[entries[i]]++
	}
}

// A package-level mutex locked on every pass of an unbounded loop.
var regMu sync.Mutex

func drain(next func() (string, bool), seen map[string]bool) {
	for {
		k, ok := next()
		if !ok {
			return
		}
		regMu.Lock() // want "GR401"
		defer regMu.Unlock()
		seen[k] = true
	}
}

// Read locks piling up on the same RWMutex deadlock once a writer queues in between.
func (b *bank) count(keys []string) int {
	n := 0
	for _, k := range keys {
		b.stats.RLock() // want "GR401"
		defer b.stats.RUnlock()
		if b.ledger[k] > 0 {
			n++
		}
	}
	return n
}

func (b *bank) hit() {
	b.stats.Lock()
	b.hits++
	b.stats.Unlock()
}

// Each pass locks another account and keeps it locked until the function returns.
func (b *bank) audit() int64 {
	var total int64
	for _, a := range b.accounts {
		a.mu.Lock()
		defer a.mu.Unlock() // want "GR301"
		total += a.balance
	}
	return total
}

// The same with an index into the slice.
func (b *bank) freeze(ids []int) {
	for _, id := range ids {
		acct := b.accounts[id]
		acct.mu.Lock()
		defer acct.mu.Unlock() // want "GR301"
		acct.balance = 0
	}
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

func (m *shardMap) update(k string, f func([]byte) ([]byte, error)) error {
	s := m.lockShard(k) // want "GR401"
	v, err := f(s.m[k])
	if err != nil {
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

func (m *shardMap) put(k string, v []byte) {
	s := m.lockShard(k)
	s.m[k] = v
	s.mu.Unlock()
}
