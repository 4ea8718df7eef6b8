package gr101

import (
	"net/http"
	"sync"
	"time"
)

type Conn struct {
	buf []byte
}

type Session struct {
	ID   string
	Data []byte
}

// A package-level map keyed by pointers that only grows.
var lastSeen = map[*Session]time.Time{} // want "GR101"

func Touch(s *Session) {
	lastSeen[s] = time.Now()
}

// A field of a struct held by a package-level var, filled through a method.
type registry struct {
	mu    sync.Mutex
	conns map[*Conn]int // want "GR101"
}

var reg = &registry{conns: make(map[*Conn]int)}

func (r *registry) add(c *Conn) {
	r.mu.Lock()
	r.conns[c]++
	r.mu.Unlock()
}

func Accept(c *Conn) { reg.add(c) }

// Nested: the struct holding the map is a field of a struct held by a global
// built by a constructor.
type state struct {
	byConn map[*Conn]time.Time // want "GR101"
}

type server struct {
	st *state
}

func newServer() *server {
	s := &server{st: &state{}}
	s.st.byConn = make(map[*Conn]time.Time)
	return s
}

var srv = newServer()

func (s *server) serve(c *Conn) {
	s.st.byConn[c] = time.Now()
}

func Serve(c *Conn) { srv.serve(c) }

// Channel keys pin their buffers too; lazy initialisation is not a reset.
var waiters map[chan []byte]bool // want "GR101"

func Wait() chan []byte {
	ch := make(chan []byte, 16)
	if waiters == nil {
		waiters = make(map[chan []byte]bool)
	}
	waiters[ch] = true
	return ch
}

// Value keys from request data: the key set is unbounded.
var hits = map[string]int{} // want "GR101"

func handleHit(w http.ResponseWriter, r *http.Request) {
	hits[r.URL.Path]++
}

type limiter struct{ tokens int }

var limiters = map[string]*limiter{} // want "GR101"

func limiterFor(ip string) *limiter {
	l, ok := limiters[ip]
	if !ok {
		l = &limiter{tokens: 10}
		limiters[ip] = l
	}
	return l
}

func middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if limiterFor(r.RemoteAddr).tokens <= 0 {
			return
		}
		next.ServeHTTP(w, r)
	})
}

var _ = handleHit
var _ = middleware

// A package-level var of anonymous struct type.
var tracker = struct {
	sync.Mutex
	live map[*Conn]int // want "GR101"
}{live: map[*Conn]int{}}

func Live(c *Conn) {
	tracker.Lock()
	defer tracker.Unlock()
	tracker.live[c]++
}

// A generated key per request: the map grows with traffic.
var sessions = map[string]*Session{} // want "GR101"

func newID() string { return time.Now().String() }

func login(w http.ResponseWriter, r *http.Request) {
	id := newID()
	sessions[id] = &Session{ID: id}
	http.SetCookie(w, &http.Cookie{Name: "sid", Value: id})
}

var _ = login

// Exported: reported with lower confidence (importers are not checked).
var Clients = map[*Conn]bool{} // want "GR101"

func Connect(c *Conn) { Clients[c] = true }

// Panicking on bad input is not the registry idiom: the map still grows.
var holders = map[*Conn]string{} // want "GR101"

func Own(c *Conn, who string) {
	if c == nil {
		panic("nil conn")
	}
	holders[c] = who
}
