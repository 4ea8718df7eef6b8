package gr103

import (
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Package-level slice appended to by a handler, never truncated.
var accessLog []string // want "GR103"

func handleAccess(w http.ResponseWriter, r *http.Request) {
	accessLog = append(accessLog, r.URL.Path)
	w.WriteHeader(http.StatusOK)
}

// A handler registered with HandleFunc (no request-typed params needed to see it).
var hits [][]byte // want "GR103"

func countHit(w http.ResponseWriter, r *http.Request) {
	record(r.URL.RawQuery)
}

func record(q string) {
	hits = append(hits, []byte(q))
}

// Field of a long-lived struct, appended to per connection from an accept loop.
type Server struct {
	mu    sync.Mutex
	conns []net.Conn // want "GR103"
	seen  map[int64]string // want "GR103"
}

var srv = &Server{seen: map[int64]string{}}

func (s *Server) track(c net.Conn) {
	s.mu.Lock()
	s.conns = append(s.conns, c)
	s.mu.Unlock()
}

var nextID atomic.Int64

func (s *Server) remember(name string) {
	id := nextID.Add(1)
	s.mu.Lock()
	s.seen[id] = name
	s.mu.Unlock()
}

func acceptLoop(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		srv.track(c)
		srv.remember(c.RemoteAddr().String())
	}
}

// A goroutine loop over a channel appends forever.
var events []Event // want "GR103"

type Event struct {
	At   time.Time
	Body []byte
}

func consume(ch <-chan Event) {
	go func() {
		for ev := range ch {
			events = append(events, ev)
		}
	}()
}

// A value-keyed field map keyed by time stamps, filled in a ticker loop.
type stats struct {
	byMinute map[int64]int // want "GR103"
}

var global = &stats{byMinute: map[int64]int{}}

func sample(tick <-chan time.Time) {
	for t := range tick {
		global.byMinute[t.Unix()/60]++
	}
}

func main() {
	http.HandleFunc("/hit", countHit)
	http.HandleFunc("/access", handleAccess)
}
