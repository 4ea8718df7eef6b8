package built

import (
	"io"
	"log"
	"net/http"
	"os"
	"time"
)

// A constructor fills Raw with a whole file; the watcher only needs the name.
type Snapshot struct {
	Name string
	Raw  []byte
}

func loadSnapshot(path string) (*Snapshot, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return &Snapshot{Name: path, Raw: raw}, nil
}

func watch(path string, stop <-chan struct{}) error {
	s, err := loadSnapshot(path)
	if err != nil {
		return err
	}
	log.Printf("loaded %d bytes", len(s.Raw))
	go func() { // want "GR201"
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				log.Println("still watching", s.Name)
			case <-stop:
				return
			}
		}
	}()
	return nil
}

// A composite literal in a handler holds the whole request body.
type Upload struct {
	ID   string
	Body []byte
}

var events = make(chan string)

// shutdown ends the event loops.
func shutdown() { close(events) }

func handleUpload(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	up := &Upload{ID: r.URL.Query().Get("id"), Body: body}
	go func() { // want "GR201"
		for ev := range events {
			if ev == up.ID {
				log.Println("upload event", up.ID)
			}
		}
	}()
	w.WriteHeader(http.StatusAccepted)
}
