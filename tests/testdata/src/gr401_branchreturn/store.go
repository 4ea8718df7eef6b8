package gr401_branchreturn

import (
	"errors"
	"sync"
)

var errMissing = errors.New("missing")

type Registry struct {
	mu    sync.Mutex
	items map[string]int
}

// Remove unlocks by hand on the empty-key path, but the not-found return keeps the lock.
func (r *Registry) Remove(key string) error {
	r.mu.Lock() // want "GR401"
	if key == "" {
		r.mu.Unlock()
		return nil
	}
	if _, ok := r.items[key]; !ok {
		return errMissing
	}
	delete(r.items, key)
	r.mu.Unlock()
	return nil
}

// Apply releases in one switch case, forgets to in another.
func (r *Registry) Apply(op, key string) (int, error) {
	r.mu.Lock() // want "GR401"
	switch op {
	case "get":
		v := r.items[key]
		r.mu.Unlock()
		return v, nil
	case "del":
		if _, ok := r.items[key]; !ok {
			return 0, errMissing
		}
		delete(r.items, key)
	}
	r.mu.Unlock()
	return 0, nil
}
