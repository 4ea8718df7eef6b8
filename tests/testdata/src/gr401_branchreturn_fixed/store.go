package gr401_branchreturn_fixed

import (
	"errors"
	"sync"
)

var errMissing = errors.New("missing")

type Registry struct {
	mu    sync.Mutex
	items map[string]int
}

func (r *Registry) Remove(key string) error {
	r.mu.Lock()
	if key == "" {
		r.mu.Unlock()
		return nil
	}
	if _, ok := r.items[key]; !ok {
		r.mu.Unlock()
		return errMissing
	}
	delete(r.items, key)
	r.mu.Unlock()
	return nil
}

func (r *Registry) Apply(op, key string) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch op {
	case "get":
		return r.items[key], nil
	case "del":
		if _, ok := r.items[key]; !ok {
			return 0, errMissing
		}
		delete(r.items, key)
	}
	return 0, nil
}

// lockIfValid hands the lock back held on success: intended, not a leak.
func (r *Registry) lockIfValid(key string) bool {
	r.mu.Lock()
	if _, ok := r.items[key]; !ok {
		r.mu.Unlock()
		return false
	}
	return true
}

// Both branches release before their returns.
func (r *Registry) Get(key string) (int, bool) {
	r.mu.Lock()
	v, ok := r.items[key]
	if !ok {
		r.mu.Unlock()
		return 0, false
	}
	r.mu.Unlock()
	return v, true
}

// Unlock in a branch that falls through: whether the later return is locked depends on
// correlated conditions we do not model.
func (r *Registry) Touch(key string, fast bool) error {
	r.mu.Lock()
	if fast {
		r.mu.Unlock()
	}
	if fast {
		return nil
	}
	r.items[key]++
	r.mu.Unlock()
	return nil
}

var _ = (*Registry).lockIfValid
