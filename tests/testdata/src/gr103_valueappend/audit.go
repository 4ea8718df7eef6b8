package audit

import (
	"net/http"
	"sync"
	"time"
)

type event struct {
	at    time.Time
	actor string
}

var (
	mu       sync.Mutex
	byKind = map[string][]event{} // want "GR103"
)

func record(kind, actor string) {
	mu.Lock()
	defer mu.Unlock()
	byKind[kind] = append(byKind[kind], event{time.Now(), actor})
}

// Handle records every request.
func Handle(w http.ResponseWriter, r *http.Request) {
	record("access", r.RemoteAddr)
	if r.Method != http.MethodGet {
		record("write", r.RemoteAddr)
	}
	w.WriteHeader(http.StatusNoContent)
}
