package served

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// --- a method called on a package-level object from a handler ----------------------------

type Entry struct {
	At   time.Time
	Path string
	Body []byte
}

type AuditLog struct {
	mu      sync.Mutex
	entries []Entry // want "GR103"
}

var audit = &AuditLog{}

func (a *AuditLog) Record(e Entry) {
	a.mu.Lock()
	a.entries = append(a.entries, e)
	a.mu.Unlock()
}

func (a *AuditLog) Len() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.entries)
}

func handleAudit(w http.ResponseWriter, r *http.Request) {
	audit.Record(Entry{At: time.Now(), Path: r.URL.Path})
	w.WriteHeader(http.StatusNoContent)
}

// A value-keyed map of a package-level object, keyed by the request path through an
// exported method.
type hitCounter struct {
	mu     sync.Mutex
	byPath map[string]int // want "GR101"
}

var hits = &hitCounter{byPath: map[string]int{}}

func (h *hitCounter) Inc(path string) {
	h.mu.Lock()
	h.byPath[path]++
	h.mu.Unlock()
}

func handleHit(w http.ResponseWriter, r *http.Request) {
	hits.Inc(r.URL.Path)
}

// --- objects that serve requests ------------------------------------------------------------

// A handler method's receiver, and the topics its map holds.
type Post struct {
	Author string
	Text   string
}

type Topic struct {
	mu    sync.Mutex
	posts []Post // want "GR103"
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
	t.mu.Unlock()
}

// Middleware: the returned handler uses the receiver; the key comes from a header.
type Quota struct {
	mu   sync.Mutex
	max  int
	used map[string]int // want "GR101"
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

func (q *Quota) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !q.charge(r.Header.Get("X-User")) {
			http.Error(w, "quota exceeded", http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ServeHTTP on a struct: clients by remote address, never forgotten.
type LastSeen struct {
	mu   sync.Mutex
	seen map[string]time.Time // want "GR101"
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
