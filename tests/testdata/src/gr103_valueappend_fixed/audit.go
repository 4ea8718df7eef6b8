package audit

import (
	"net/http"
	"sync"
	"time"
)

const maxPerKind = 500

type event struct {
	at    time.Time
	actor string
}

var (
	mu       sync.Mutex
	byKind = map[string][]event{}
)

func record(kind, actor string) {
	mu.Lock()
	defer mu.Unlock()
	ev := append(byKind[kind], event{time.Now(), actor})
	if len(ev) > maxPerKind {
		ev = append([]event(nil), ev[len(ev)-maxPerKind:]...)
	}
	byKind[kind] = ev
}

// Handle records every request.
func Handle(w http.ResponseWriter, r *http.Request) {
	record("access", r.RemoteAddr)
	if r.Method != http.MethodGet {
		record("write", r.RemoteAddr)
	}
	w.WriteHeader(http.StatusNoContent)
}
