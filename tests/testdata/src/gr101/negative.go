package gr101

import (
	"errors"
	"net/http"
	"sync"
)

// Entries deleted elsewhere in the package.
var open = map[*Conn]int{}

func Open(c *Conn)  { open[c] = 1 }
func Close(c *Conn) { delete(open, c) }

// Cleared.
var batch = map[*Conn]bool{}

func Queue(c *Conn) { batch[c] = true }
func Flush()        { clear(batch) }

// Reset by reassignment.
var pending = map[*Conn]bool{}

func Mark(c *Conn) { pending[c] = true }
func Reset()       { pending = map[*Conn]bool{} }

// Deleted in a range loop.
var idle = map[*Conn]int{}

func Idle(c *Conn) { idle[c]++ }
func Sweep() {
	for c, n := range idle {
		if n > 3 {
			delete(idle, c)
		}
	}
}

// A local map lives only as long as the call.
func countLocal(cs []*Conn) int {
	m := map[*Conn]bool{}
	for _, c := range cs {
		m[c] = true
	}
	return len(m)
}

// A local variable shadowing a package-level map is another map.
var shadowed = map[*Conn]bool{}

func shadow(c *Conn) bool {
	shadowed := map[*Conn]bool{}
	shadowed[c] = true
	return shadowed[c] && len(shadowed) > 0
}

func Shadowed(c *Conn) bool { return shadowed[c] }

// A per-request struct is not long-lived.
type request struct {
	seen map[*Conn]bool
}

func handle(cs []*Conn) int {
	req := &request{seen: map[*Conn]bool{}}
	for _, c := range cs {
		req.seen[c] = true
	}
	return len(req.seen)
}

// Handed to a helper that may delete.
var tracked = map[*Conn]bool{}

func Track(c *Conn) {
	tracked[c] = true
	prune(tracked)
}

func prune(m map[*Conn]bool) {
	for c := range m {
		delete(m, c)
	}
}

// A field reset by a method of its struct.
type pool struct {
	members map[*Conn]bool
}

var defaultPool pool

func (p *pool) join(c *Conn) { p.members[c] = true }
func (p *pool) drain()       { p.members = make(map[*Conn]bool) }

func Join(c *Conn) { defaultPool.join(c) }
func Drain()       { defaultPool.drain() }

// Filled only during initialisation.
var builtin = map[*Conn]string{}

var defaults = []*Conn{{}, {}}

func init() {
	for i, c := range defaults {
		builtin[c] = string(rune('a' + i))
	}
}

func Builtin(c *Conn) string { return builtin[c] }

// Value keys that are not request data: bounded by the program.
var counts = map[string]int{}

func record(kind string) { counts[kind]++ }

func Work() {
	record("start")
	record("stop")
}

// A registry: exported, panics on duplicates, called at init time by importers.
var factories = map[string]func() *Conn{}

func Register(name string, f func() *Conn) {
	if _, dup := factories[name]; dup {
		panic("duplicate " + name)
	}
	factories[name] = f
}

// Reset once at start-up through sync.Once is still only initialisation, and the
// entries are removed elsewhere.
var (
	once   sync.Once
	owners map[*Conn]string
)

func own(c *Conn, who string) {
	once.Do(func() { owners = make(map[*Conn]string) })
	owners[c] = who
}

func disown(c *Conn) { delete(owners, c) }

// A request-keyed map that is bounded by deletes.
var inflight = map[string]bool{}

func serveOnce(w http.ResponseWriter, r *http.Request) error {
	if inflight[r.URL.Path] {
		return errors.New("busy")
	}
	inflight[r.URL.Path] = true
	defer delete(inflight, r.URL.Path)
	return nil
}

var _ = countLocal
var _ = shadow
var _ = handle
var _ = own
var _ = disown
var _ = serveOnce

// An anonymous struct whose map entries are deleted.
var watchers = struct {
	sync.Mutex
	byConn map[*Conn]func()
}{byConn: map[*Conn]func(){}}

func Watch(c *Conn, f func()) { watchers.byConn[c] = f }
func Unwatch(c *Conn)         { delete(watchers.byConn, c) }

// A constant key inside a handler does not grow the map.
var served = map[string]int{}

func count(w http.ResponseWriter, r *http.Request) {
	served["total"]++
}

var _ = count

// Reset by replacing the whole struct through the receiver.
type table struct {
	rows map[*Conn][]byte
}

var tbl = &table{rows: map[*Conn][]byte{}}

func (t *table) put(c *Conn, b []byte) { t.rows[c] = b }
func (t *table) truncate()             { *t = table{rows: map[*Conn][]byte{}} }

func Put(c *Conn, b []byte) { tbl.put(c, b) }
func Truncate()             { tbl.truncate() }

// Reset by replacing the package-level holder.
type index struct {
	byConn map[*Conn]int
}

var idx = &index{byConn: map[*Conn]int{}}

func Index(c *Conn) { idx.byConn[c] = len(idx.byConn) }
func Reindex()      { idx = &index{byConn: map[*Conn]int{}} }
