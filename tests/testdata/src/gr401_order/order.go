package gr401order

import "sync"

// --- AB-BA: two methods take the same two mutexes in opposite orders ---------------------

type store struct {
	mu       sync.Mutex
	replicas []*replica
}

type replica struct {
	raftMu sync.Mutex
	store  *store
}

func (s *store) heartbeat() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.replicas {
		r.unreachable() // want "GR401"
	}
}

func (r *replica) unreachable() {
	r.raftMu.Lock()
	defer r.raftMu.Unlock()
}

func (r *replica) tick() {
	r.raftMu.Lock()
	defer r.raftMu.Unlock()
	r.coalesce() // want "GR401"
}

func (r *replica) coalesce() {
	r.store.mu.Lock()
	r.store.mu.Unlock()
}

// Fixed: the store lock is released before the replicas are told.

type fixedStore struct {
	mu       sync.Mutex
	replicas []*fixedReplica
}

type fixedReplica struct {
	raftMu sync.Mutex
	store  *fixedStore
}

func (s *fixedStore) heartbeat() {
	s.mu.Lock()
	rs := append([]*fixedReplica(nil), s.replicas...)
	s.mu.Unlock()
	for _, r := range rs {
		r.unreachable()
	}
}

func (r *fixedReplica) unreachable() {
	r.raftMu.Lock()
	defer r.raftMu.Unlock()
}

func (r *fixedReplica) tick() {
	r.raftMu.Lock()
	defer r.raftMu.Unlock()
	r.coalesce()
}

func (r *fixedReplica) coalesce() {
	r.store.mu.Lock()
	r.store.mu.Unlock()
}

// --- Wait inside the loop that starts the counted goroutines ------------------------------

func startAll(jobs []func()) {
	var wg sync.WaitGroup
	wg.Add(len(jobs))
	for _, j := range jobs {
		go func(j func()) {
			defer wg.Done()
			j()
		}(j)
		wg.Wait() // want "GR401"
	}
}

func startAllFixed(jobs []func()) {
	var wg sync.WaitGroup
	wg.Add(len(jobs))
	for _, j := range jobs {
		go func(j func()) {
			defer wg.Done()
			j()
		}(j)
	}
	wg.Wait()
}

func startEach(jobs []func()) {
	for _, j := range jobs {
		var wg sync.WaitGroup
		wg.Add(1)
		go func(j func()) {
			defer wg.Done()
			j()
		}(j)
		wg.Wait()
	}
}

var _ = []any{(*store).heartbeat, (*replica).tick, (*fixedStore).heartbeat, (*fixedReplica).tick, startAll, startAllFixed, startEach}
