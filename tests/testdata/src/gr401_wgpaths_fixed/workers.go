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

// Fixed: Done is deferred, so every return counts down.
func (ix *index) worker(wg *sync.WaitGroup, paths <-chan string) {
	defer wg.Done()
	for p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			log.Printf("stat %s: %v", p, err)
			return
		}
		ix.mu.Lock()
		ix.sizes[p] = st.Size()
		ix.mu.Unlock()
	}
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

type job struct {
	name string
	data []byte
}

// Fixed: the early return marks the job done first.
func store(j job, done *sync.WaitGroup) {
	if len(j.data) == 0 {
		done.Done()
		return
	}
	_ = os.WriteFile(j.name, j.data, 0o600)
	done.Done()
}

// The WaitGroup is handed on: the helper finishes it.
func relay(j job, done *sync.WaitGroup) {
	if len(j.data) == 0 {
		finish(done)
		return
	}
	store(j, done)
}

func finish(wg *sync.WaitGroup) { wg.Done() }

type batch struct {
	wg   sync.WaitGroup
	jobs []job
}

func (b *batch) flush() {
	for _, j := range b.jobs {
		b.wg.Add(2)
		go store(j, &b.wg)
		go relay(j, &b.wg)
	}
	b.wg.Wait()
}

type recipient struct {
	email    string
	optedOut bool
}

type mailer interface {
	Send(to, body string) error
}

// Fixed: one Add per goroutine actually started.
func broadcast(m mailer, rs []recipient, body string) {
	var wg sync.WaitGroup
	for _, r := range rs {
		if r.optedOut {
			continue
		}
		wg.Add(1)
		go func(to string) {
			defer wg.Done()
			if err := m.Send(to, body); err != nil {
				log.Printf("mail %s: %v", to, err)
			}
		}(r.email)
	}
	wg.Wait()
}

// Fixed differently: the skipped pass gives its count back.
func broadcastAll(m mailer, rs []recipient, body string) {
	var wg sync.WaitGroup
	wg.Add(len(rs))
	for _, r := range rs {
		if r.optedOut {
			wg.Done()
			continue
		}
		go func(to string) {
			defer wg.Done()
			_ = m.Send(to, body)
		}(r.email)
	}
	wg.Wait()
}

// A continue after the go statement skips nothing.
func probeAll(hosts []string, n int, probe func(string) bool) {
	var wg sync.WaitGroup
	wg.Add(n)
	for i := 0; i < n; i++ {
		go func(h string) {
			defer wg.Done()
			probe(h)
		}(hosts[i])
		if hosts[i] == "" {
			continue
		}
		log.Println(hosts[i])
	}
	wg.Wait()
}

// The skipped passes are counted and given back after the loop.
func broadcastCounted(m mailer, rs []recipient, body string) {
	var wg sync.WaitGroup
	wg.Add(len(rs))
	skipped := 0
	for _, r := range rs {
		if r.optedOut {
			skipped++
			continue
		}
		go func(to string) {
			defer wg.Done()
			_ = m.Send(to, body)
		}(r.email)
	}
	wg.Add(-skipped)
	wg.Wait()
}
