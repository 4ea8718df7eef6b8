package gr201

import (
	"log"
	"net/http"
	"os"
	"sync"
	"time"
)

// Upload carries a 1 MiB inline payload next to two small fields.
type Upload struct {
	ID     string
	Events chan string
	Data   [1 << 20]byte
	count  int
	mu     sync.Mutex
}

func (u *Upload) Process() {}

// --- positives ---------------------------------------------------------------------

func trackUpload(u *Upload) {
	go func() { // want "GR201"
		for ev := range u.Events {
			log.Println(u.ID, ev)
		}
	}()
}

func trackRequest(w http.ResponseWriter, r *http.Request) {
	ticker := time.NewTicker(time.Second)
	go func() { // want "GR201"
		for range ticker.C { // want "GR203"
			log.Println(r.Method, r.URL.Path)
		}
	}()
	w.WriteHeader(http.StatusAccepted)
}

// Session owns a large buffer allocated when it is created.
type Session struct {
	Name string
	Done chan struct{}
	buf  []byte
}

func NewSession(name string) *Session {
	return &Session{Name: name, Done: make(chan struct{}), buf: make([]byte, 64<<10)}
}

func watchSession(s *Session, beat <-chan time.Time) {
	go func() { // want "GR201"
		for {
			select {
			case <-s.Done:
				return
			case <-beat:
				log.Println("alive", s.Name)
			}
		}
	}()
}

// Document holds a whole file.
type Document struct {
	Path    string
	Content []byte
	Updates chan string
}

func Load(path string) (*Document, error) {
	d := &Document{Path: path, Updates: make(chan string)}
	var err error
	d.Content, err = os.ReadFile(path)
	return d, err
}

func follow(d *Document) {
	go func() { // want "GR201"
		for u := range d.Updates {
			log.Println(d.Path, u)
		}
	}()
}

func uploadWorker(u *Upload) {
	for ev := range u.Events {
		log.Println(u.ID, ev)
	}
}

func startWorker(big *Upload) {
	go uploadWorker(big) // want "GR201"
}

func valueCapture() {
	var big Upload
	big.Events = make(chan string)
	go func() { // want "GR201"
		for ev := range big.Events {
			log.Println(big.ID, ev)
		}
	}()
}

// --- negatives ---------------------------------------------------------------------

func shortLived(u *Upload) {
	go func() {
		log.Println(u.ID) // runs once and exits
	}()
}

func callsMethod(u *Upload) {
	go func() {
		for range u.Events {
			u.Process() // a method may need the whole object
		}
	}()
}

func passesWhole(u *Upload, out chan *Upload) {
	go func() {
		for range u.Events {
			out <- u
		}
	}()
}

type Small struct {
	ID     string
	Events chan string
}

func smallObject(s *Small) {
	go func() {
		for ev := range s.Events {
			log.Println(s.ID, ev)
		}
	}()
}

func usesBulk(u *Upload) {
	go func() {
		for range u.Events {
			log.Println(u.Data[0]) // needs the payload anyway
		}
	}()
}

func (u *Upload) watch() {
	go func() { // the object's own worker: it lives as long as the object
		for ev := range u.Events {
			log.Println(u.ID, ev)
		}
	}()
}

func writesField(u *Upload) {
	go func() {
		for range u.Events {
			u.count++ // shared state: a copy would change behaviour
		}
	}()
}

func reassigned(u *Upload, next *Upload) {
	go func() {
		for ev := range u.Events {
			log.Println(u.ID, ev)
		}
	}()
	u = next // the goroutine sees the new object
	_ = u
}

func fieldsPassed(u *Upload) {
	go func(id string, events chan string) {
		for ev := range events {
			log.Println(id, ev)
		}
	}(u.ID, u.Events)
}

func lockField(u *Upload) {
	go func() {
		for range u.Events {
			u.mu.Lock() // a mutex cannot be copied out
			u.mu.Unlock()
		}
	}()
}

func boundedLoop(u *Upload) {
	go func() {
		for i := 0; i < 10; i++ {
			log.Println(u.ID, i)
		}
	}()
}

func requestContext(r *http.Request, events chan string) {
	go func() {
		for ev := range events {
			log.Println(r.Context().Err(), ev) // a method of the request
		}
	}()
}

func smallBuffer(name string) {
	s := &Session{Name: name, Done: make(chan struct{}), buf: make([]byte, 16)}
	_ = s
}
