package main

import (
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Session is what a login creates. It is large on purpose: a profile buffer rides along.
type Session struct {
	User    string
	Created time.Time
	Profile [16 << 10]byte
}

var (
	sessionsMu sync.Mutex
	// Keyed by pointer and never deleted: every login pins a Session forever.
	sessions = map[*Session]time.Time{}
)

func handleLogin(w http.ResponseWriter, r *http.Request) {
	s := &Session{User: r.URL.Query().Get("user"), Created: time.Now()}
	sessionsMu.Lock()
	sessions[s] = time.Now()
	n := len(sessions)
	sessionsMu.Unlock()
	fmt.Fprintf(w, "welcome %s (%d sessions)\n", s.User, n)
}

// lookups caches rendered answers by query; nothing ever evicts them.
var lookups sync.Map

func handleLookup(w http.ResponseWriter, r *http.Request) {
	key := r.URL.Query().Get("q")
	if v, ok := lookups.Load(key); ok {
		w.Write(v.([]byte))
		return
	}
	answer := make([]byte, 8<<10)
	copy(answer, key)
	lookups.Store(key, answer)
	w.Write(answer)
}
