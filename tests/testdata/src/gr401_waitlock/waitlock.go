package waitlock

import "sync"

// --- wg.Wait while holding the lock every worker takes before Done ---------------------

type counter struct {
	mu sync.Mutex
	n  int
}

func (c *counter) runAll(jobs []int) {
	var wg sync.WaitGroup
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, j := range jobs {
		wg.Add(1)
		go func(j int) {
			defer wg.Done()
			c.mu.Lock()
			c.n += j
			c.mu.Unlock()
		}(j)
	}
	wg.Wait() // want "GR401"
}

// Fixed: wait first, then take the lock.
func (c *counter) runAll2(jobs []int) {
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func(j int) {
			defer wg.Done()
			c.mu.Lock()
			c.n += j
			c.mu.Unlock()
		}(j)
	}
	wg.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
}

// Fine: readers under a read lock.
type table struct {
	mu   sync.RWMutex
	rows map[string]int
}

func (t *table) scan(keys []string) int {
	var wg sync.WaitGroup
	total := 0
	var tmu sync.Mutex
	t.mu.RLock()
	defer t.mu.RUnlock()
	for _, k := range keys {
		wg.Add(1)
		go func(k string) {
			defer wg.Done()
			t.mu.RLock()
			v := t.rows[k]
			t.mu.RUnlock()
			tmu.Lock()
			total += v
			tmu.Unlock()
		}(k)
	}
	wg.Wait()
	return total
}

// Fine: the lock is handed to the goroutine, which releases it.
func handOff(n int) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	mu.Lock()
	go func() {
		mu.Unlock()
	}()
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			mu.Unlock()
		}()
	}
	wg.Wait()
}
