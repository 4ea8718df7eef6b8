package gr102

import "sync"

type Conn struct {
	buf []byte
}

// A package-level sync.Map keyed by pointers that only grows.
var active sync.Map // want "GR102"

func Track(c *Conn) {
	active.Store(c, struct{}{})
}

// A pointer to a sync.Map, filled with LoadOrStore.
var results = &sync.Map{} // want "GR102"

func Result(id string, compute func() []byte) []byte {
	v, _ := results.LoadOrStore(id, compute())
	return v.([]byte)
}

// A field of a struct held by a package-level var, filled through a method.
type hub struct {
	subs sync.Map // want "GR102"
}

var defaultHub = &hub{}

func (h *hub) join(c *Conn) { h.subs.Swap(c, true) }

func Join(c *Conn) { defaultHub.join(c) }
