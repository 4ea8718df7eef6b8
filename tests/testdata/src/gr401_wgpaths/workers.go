package wgpaths

import (
	"log"
	"os"
	"sync"
)

type index struct {
	mu    sync.Mutex
	sizes map[string]int64
}

// The worker returns on an error before its Done: Build's Wait never returns.
func (ix *index) worker(wg *sync.WaitGroup, paths <-chan string) {
	for p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			log.Printf("stat %s: %v", p, err)
			return // want "GR401"
		}
		ix.mu.Lock()
		ix.sizes[p] = st.Size()
		ix.mu.Unlock()
	}
	wg.Done()
}

func (ix *index) build(paths []string) {
	ch := make(chan string, len(paths))
	for _, p := range paths {
		ch <- p
	}
	close(ch)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go ix.worker(&wg, ch)
	}
	wg.Wait()
}

// A plain function worker, the WaitGroup in a struct field.
type job struct {
	name string
	data []byte
}

func store(j job, done *sync.WaitGroup) {
	if len(j.data) == 0 {
		return // want "GR401"
	}
	_ = os.WriteFile(j.name, j.data, 0o600)
	done.Done()
}

type batch struct {
	wg   sync.WaitGroup
	jobs []job
}

func (b *batch) flush() {
	for _, j := range b.jobs {
		b.wg.Add(1)
		go store(j, &b.wg)
	}
	b.wg.Wait()
}

// --- Add for the whole loop, a pass that skips the goroutine ---------------------------

type recipient struct {
	email    string
	optedOut bool
}

type mailer interface {
	Send(to, body string) error
}

func broadcast(m mailer, rs []recipient, body string) {
	var wg sync.WaitGroup
	wg.Add(len(rs))
	for _, r := range rs {
		if r.optedOut {
			continue // want "GR401"
		}
		go func(to string) {
			defer wg.Done()
			if err := m.Send(to, body); err != nil {
				log.Printf("mail %s: %v", to, err)
			}
		}(r.email)
	}
	wg.Wait()
}

func probeAll(hosts []string, n int, probe func(string) bool) {
	var wg sync.WaitGroup
	wg.Add(n)
	for i := 0; i < n; i++ {
		if hosts[i] == "" {
			break // want "GR401"
		}
		go func(h string) {
			defer wg.Done()
			probe(h)
		}(hosts[i])
	}
	wg.Wait()
}
