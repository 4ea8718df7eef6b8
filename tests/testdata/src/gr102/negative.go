package gr102

import (
	"reflect"
	"sync"
)

// Deleted elsewhere in the package.
var open sync.Map

func Open(c *Conn)  { open.Store(c, 1) }
func Close(c *Conn) { open.Delete(c) }

// LoadAndDelete removes too.
var waiting sync.Map

func Wait(id string) chan int {
	ch := make(chan int, 1)
	waiting.Store(id, ch)
	return ch
}

func Wake(id string) {
	if v, ok := waiting.LoadAndDelete(id); ok {
		v.(chan int) <- 1
	}
}

// Range with delete.
var stale sync.Map

func Touch(c *Conn) { stale.Store(c, 0) }
func Sweep() {
	stale.Range(func(k, v any) bool {
		stale.Delete(k)
		return true
	})
}

// Cleared.
var batch sync.Map

func Add(c *Conn) { batch.Store(c, true) }
func Flush()      { batch.Clear() }

// A type cache is bounded by the program's types.
var fieldCache sync.Map

func fieldsOf(t reflect.Type) int {
	if v, ok := fieldCache.Load(t); ok {
		return v.(int)
	}
	n := t.NumField()
	fieldCache.Store(t, n)
	return n
}

// A local sync.Map lives only as long as the call.
func dedupe(cs []*Conn) int {
	var seen sync.Map
	n := 0
	for _, c := range cs {
		if _, loaded := seen.LoadOrStore(c, true); !loaded {
			n++
		}
	}
	return n
}

// A per-request struct is not long-lived.
type request struct {
	conns sync.Map
}

func handle(cs []*Conn) *request {
	r := &request{}
	for _, c := range cs {
		r.conns.Store(c, true)
	}
	return r
}

// Handed to another function, which may delete.
var handed sync.Map

func Hand(c *Conn) {
	handed.Store(c, true)
	expire(&handed)
}

func expire(m *sync.Map) {
	m.Range(func(k, _ any) bool { m.Delete(k); return true })
}

// A field of a long-lived struct reset by a method.
type registry struct {
	byConn sync.Map
}

var reg registry

func (r *registry) add(c *Conn) { r.byConn.Store(c, 1) }
func (r *registry) reset()      { r.byConn = sync.Map{} }

func Register(c *Conn) { reg.add(c) }
func ResetAll()        { reg.reset() }

var _ = fieldsOf
var _ = dedupe
var _ = handle

// A cache keyed by a struct of type descriptors is bounded by the program's types.
type typePair struct {
	kind   uint8
	t1, t2 reflect.Type
}

var pairCache sync.Map

func pairFor(a, b reflect.Type) any {
	k := typePair{1, a, b}
	if v, ok := pairCache.Load(k); ok {
		return v
	}
	v, _ := pairCache.LoadOrStore(k, struct{}{})
	return v
}
