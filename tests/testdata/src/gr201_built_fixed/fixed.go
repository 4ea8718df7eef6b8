package built

import (
	"io"
	"log"
	"net/http"
	"os"
	"time"
)

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

// Only the name is captured.
func watch(path string, stop <-chan struct{}) error {
	s, err := loadSnapshot(path)
	if err != nil {
		return err
	}
	name := s.Name
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				log.Println("still watching", name)
			case <-stop:
				return
			}
		}
	}()
	return nil
}

// The goroutine needs the bytes themselves.
func serveSnapshot(path string, reqs <-chan chan []byte) error {
	s, err := loadSnapshot(path)
	if err != nil {
		return err
	}
	go func() {
		for reply := range reqs {
			reply <- s.Raw
		}
	}()
	return nil
}

// A small buffer is not worth a finding.
type Ping struct {
	Host string
	Pad  []byte
}

func pinger(host string, stop <-chan struct{}) {
	pad := make([]byte, 16)
	p := &Ping{Host: host, Pad: pad}
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				log.Println("ping", p.Host)
			case <-stop:
				return
			}
		}
	}()
}

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
	id := up.ID
	go func() {
		for ev := range events {
			if ev == id {
				log.Println("upload event", id)
			}
		}
	}()
	w.WriteHeader(http.StatusAccepted)
}
