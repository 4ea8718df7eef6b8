package main

import (
	"net"
	"net/http"
	"sync"
	"time"
)

const keep = 1000

type Entry struct {
	At   time.Time
	Path string
}

// Bounded: the method trims the log.
type AuditLog struct {
	mu      sync.Mutex
	entries []Entry
}

var audit = &AuditLog{}

func (a *AuditLog) Record(e Entry) {
	a.mu.Lock()
	a.entries = append(a.entries, e)
	if len(a.entries) > keep {
		a.entries = append([]Entry(nil), a.entries[len(a.entries)-keep:]...)
	}
	a.mu.Unlock()
}

func handleAudit(w http.ResponseWriter, r *http.Request) {
	audit.Record(Entry{At: time.Now(), Path: r.URL.Path})
}

// Entries are deleted by an eviction method.
type hitCounter struct {
	mu     sync.Mutex
	byPath map[string]int
}

var hits = &hitCounter{byPath: map[string]int{}}

func (h *hitCounter) Inc(path string) {
	h.mu.Lock()
	h.byPath[path]++
	h.mu.Unlock()
}

func (h *hitCounter) Forget(path string) {
	h.mu.Lock()
	delete(h.byPath, path)
	h.mu.Unlock()
}

func handleHit(w http.ResponseWriter, r *http.Request) {
	hits.Inc(r.URL.Path)
}

// A served object whose topic history is capped.
type Post struct {
	Author string
	Text   string
}

type Topic struct {
	mu    sync.Mutex
	posts []Post
}

type Board struct {
	topics map[string]*Topic
}

func (b *Board) Publish(w http.ResponseWriter, r *http.Request) {
	t := b.topics[r.URL.Query().Get("topic")]
	if t == nil {
		http.NotFound(w, r)
		return
	}
	t.mu.Lock()
	t.posts = append(t.posts, Post{Author: r.FormValue("author"), Text: r.FormValue("text")})
	if len(t.posts) > keep {
		t.posts = t.posts[len(t.posts)-keep:]
	}
	t.mu.Unlock()
}

// The quota is reset every period.
type Quota struct {
	mu   sync.Mutex
	max  int
	used map[string]int
}

func NewQuota(max int) *Quota {
	return &Quota{max: max, used: make(map[string]int)}
}

func (q *Quota) charge(user string) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.used[user]++
	return q.used[user] <= q.max
}

func (q *Quota) Reset() {
	q.mu.Lock()
	clear(q.used)
	q.mu.Unlock()
}

func (q *Quota) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !q.charge(r.Header.Get("X-User")) {
			http.Error(w, "quota exceeded", http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Old clients are swept out.
type LastSeen struct {
	mu   sync.Mutex
	seen map[string]time.Time
}

func (l *LastSeen) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return
	}
	l.mu.Lock()
	l.seen[host] = time.Now()
	l.mu.Unlock()
}

func (l *LastSeen) Sweep(before time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for k, t := range l.seen {
		if t.Before(before) {
			delete(l.seen, k)
		}
	}
}

// Bounded keys: the request method, a constant.
type Stats struct {
	mu       sync.Mutex
	byMethod map[string]int
	total    map[string]int
}

func (s *Stats) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.byMethod[r.Method]++
	s.total["requests"]++
	s.mu.Unlock()
}

// Routes are added at setup, not per request.
type Router struct {
	routes   map[string]http.Handler
	patterns []string
}

func (rt *Router) Handle(pattern string, h http.Handler) {
	rt.routes[pattern] = h
	rt.patterns = append(rt.patterns, pattern)
}

func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h, ok := rt.routes[r.URL.Path]; ok {
		h.ServeHTTP(w, r)
	}
}

// Not serving and not held by a package var: its lifetime is the caller's business.
type Batch struct {
	items []string
	index map[string]int
}

func (b *Batch) Add(s string) {
	b.index[s] = len(b.items)
	b.items = append(b.items, s)
}

// A per-request scratch object built in the handler.
type scratch struct {
	parts []string
}

func handleScratch(w http.ResponseWriter, r *http.Request) {
	s := &scratch{}
	s.parts = append(s.parts, r.URL.Path)
	_ = s
}

func main() {
	rt := &Router{routes: map[string]http.Handler{}}
	rt.Handle("/audit", http.HandlerFunc(handleAudit))
	rt.Handle("/hit", http.HandlerFunc(handleHit))
	rt.Handle("/scratch", http.HandlerFunc(handleScratch))
	_ = http.ListenAndServe(":8080", rt)
}
