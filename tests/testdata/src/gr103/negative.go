package gr103

import (
	"net/http"
	"reflect"
	"slices"
	"sync"
)

// Truncated after appending: bounded.
var recent []string

const maxRecent = 100

func handleRecent(w http.ResponseWriter, r *http.Request) {
	recent = append(recent, r.URL.Path)
	if len(recent) > maxRecent {
		recent = recent[len(recent)-maxRecent:]
	}
}

// Reset elsewhere (flushed periodically).
var pending []string

func handlePending(w http.ResponseWriter, r *http.Request) {
	pending = append(pending, r.URL.Path)
}

func flush() []string {
	out := pending
	pending = nil
	return out
}

// Removed with slices.Delete.
var queue []int

func handleQueue(w http.ResponseWriter, r *http.Request) {
	queue = append(queue, len(r.URL.Path))
}

func pop(i int) {
	queue = slices.Delete(queue, i, i+1)
}

// Reset to zero length.
var scratch []byte

func handleScratch(w http.ResponseWriter, r *http.Request) {
	scratch = append(scratch, r.URL.Path...)
	w.Write(scratch)
	scratch = scratch[:0]
}

// Address handed off: the callee may truncate.
var handed []string

func handleHanded(w http.ResponseWriter, r *http.Request) {
	handed = append(handed, r.URL.Path)
	trim(&handed)
}

func trim(p *[]string) { *p = (*p)[:0] }

// Guarded by a length check.
var capped []string

func handleCapped(w http.ResponseWriter, r *http.Request) {
	if len(capped) < 64 {
		capped = append(capped, r.URL.Path)
	}
}

// Registration at init time.
var plugins []string

func RegisterPlugin(name string) {
	plugins = append(plugins, name)
}

func init() {
	RegisterPlugin("a")
}

// Appends from init and from helpers only init calls.
var table []int

func init() {
	fill()
}

func fill() {
	for i := 0; i < 10; i++ {
		table = append(table, i*i)
	}
}

// main outside loops runs once.
var flags []string

func setup() {
	flags = append(flags, "x")
}

// A constructor filling a fresh object.
type Pool struct {
	items []string
	types map[reflect.Type]int
	names map[string]int
}

var defaultPool = newPool()

func newPool() *Pool {
	p := &Pool{}
	p.items = append(p.items, "first")
	return p
}

// Bounded key spaces: reflect.Type keys, constant keys.
func (p *Pool) handleTypes(w http.ResponseWriter, r *http.Request) {
	p.types[reflect.TypeOf(r)]++
	p.names["requests"]++
}

// Called once from a non-loop path: not repeated.
var once sync.Once
var lazy []int

func lazyInit() {
	once.Do(func() {
		lazy = append(lazy, 1)
	})
}

// Package-level pointer-keyed map: GR101's business, not GR103's.
type Session struct{ b []byte }

var sessions = map[*Session]bool{} // want "GR101"

func handleSession(w http.ResponseWriter, r *http.Request) {
	sessions[&Session{}] = true
}

// Package-level value-keyed request map: GR101 reports it (low confidence), not GR103.
var visits = map[string]int{} // want "GR101"

func handleVisit(w http.ResponseWriter, r *http.Request) {
	visits[r.URL.Path]++
}

// A local slice shadowing a package one.
var shadowed []string

func handleShadow(w http.ResponseWriter, r *http.Request) {
	shadowed := []string{}
	shadowed = append(shadowed, r.URL.Path)
	_ = shadowed
}

// Appended in a bounded loop of a function not called per request.
var squares []int

func Precompute(n int) {
	for i := 0; i < n; i++ {
		squares = append(squares, i*i)
	}
}

func mainLike() {
	setup()
	lazyInit()
	_ = defaultPool
	_ = flush
	_ = pop
}
