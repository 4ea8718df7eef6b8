package gr301

import (
	"context"
	"errors"
	"log"
	"net/http"
	"os"
	"sync"
	"time"
)

type Cache struct{ data map[string][]byte }

func (c *Cache) Close() {}

func load() *Cache { return &Cache{data: map[string][]byte{}} }

func cleanup(c *Cache) {}

// --- (a) the deferred call still holds a "released" object ---------------------------

func serveAfterWarmup(jobs <-chan string) {
	c := load()
	defer c.Close() // want "GR301"
	log.Println(len(c.data))
	c = nil // meant to free the cache; the pending defer still holds it
	for j := range jobs {
		log.Println(j)
	}
}

func argsPinned(stop chan struct{}) {
	c := load()
	defer cleanup(c) // want "GR301"
	c = nil
	<-stop
	_ = c
}

func literalArgs(l *http.Server) error {
	c := load()
	defer func(c *Cache) { // want "GR301"
		c.Close()
	}(c)
	c = nil
	_ = c
	return l.ListenAndServe()
}

// --- (a) negatives ------------------------------------------------------------------

func closureReadsVariable(jobs <-chan string) {
	c := load()
	defer func() {
		if c != nil {
			c.Close()
		}
	}()
	c.Close()
	c = nil // the closure sees nil: nothing pinned
	for j := range jobs {
		log.Println(j)
	}
}

func releasedButShort() {
	c := load()
	defer c.Close()
	c = nil // nothing long-running follows
	_ = c
}

func explicitRelease(jobs <-chan string) {
	c := load()
	var once sync.Once
	release := func() { once.Do(c.Close) }
	defer release()
	release()
	for j := range jobs {
		log.Println(j)
	}
}

// --- (b) defers piling up in a loop -------------------------------------------------

func sumSizes(paths []string) (total int64) {
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		defer f.Close() // want "GR301"
		if st, err := f.Stat(); err == nil {
			total += st.Size()
		}
	}
	return total
}

func consume(ctx context.Context, jobs <-chan string) {
	for j := range jobs {
		jctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel() // want "GR301"
		handle(jctx, j)
	}
}

func poll(ctx context.Context, url string) {
	for {
		resp, err := http.Get(url)
		if err != nil {
			time.Sleep(time.Second)
			continue
		}
		defer resp.Body.Close() // want "GR301"
		if ctx.Err() != nil {
			return
		}
	}
}

func handle(ctx context.Context, j string) { _, _ = ctx, j }

// --- (b) negatives ------------------------------------------------------------------

func perIteration(paths []string) {
	for _, p := range paths {
		func() {
			f, err := os.Open(p)
			if err != nil {
				return
			}
			defer f.Close() // runs at the end of each iteration
		}()
	}
}

func fixedList() {
	for _, p := range []string{"/etc/hosts", "/etc/passwd"} {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		defer f.Close()
	}
}

func counted() {
	for i := 0; i < 3; i++ {
		defer log.Println(i)
	}
}

func retry(url string) (int, error) {
	for {
		resp, err := http.Get(url)
		if err != nil {
			time.Sleep(time.Second)
			continue
		}
		defer resp.Body.Close()
		return resp.StatusCode, nil // the loop ends right after the defer
	}
}

func firstOK(urls []string) error {
	for _, u := range urls {
		resp, err := http.Get(u)
		if err != nil {
			continue
		}
		defer resp.Body.Close()
		break
	}
	return errors.New("none")
}

func lockInLoop(mu *sync.Mutex, jobs <-chan string) {
	for j := range jobs {
		mu.Lock() // want "GR401"
		defer mu.Unlock() // a deadlock, reported by the lock rules, not a pile-up
		log.Println(j)
	}
}
