package gr401

import (
	"errors"
	"sync"
)

type cache struct {
	mu sync.Mutex
	rw sync.RWMutex
	m  map[string]int
}

// --- missing unlock ------------------------------------------------------------------

func (c *cache) getBad(k string) (int, error) {
	c.mu.Lock() // want "GR401"
	v, ok := c.m[k]
	if !ok {
		return 0, errors.New("missing")
	}
	c.mu.Unlock()
	return v, nil
}

func (c *cache) getGood(k string) (int, error) {
	c.mu.Lock()
	v, ok := c.m[k]
	if !ok {
		c.mu.Unlock()
		return 0, errors.New("missing")
	}
	c.mu.Unlock()
	return v, nil
}

func (c *cache) loopBad(keys []string) {
	for _, k := range keys {
		c.mu.Lock() // want "GR401"
		if k == "" {
			continue
		}
		c.m[k]++
		c.mu.Unlock()
	}
}

// --- double lock through a method ------------------------------------------------------

func (c *cache) size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

func (c *cache) sizeLocked() int { return len(c.m) }

func (c *cache) putBad(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.size() > 10 { // want "GR401"
		return
	}
	c.m[k] = 1
}

func (c *cache) putGood(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sizeLocked() > 10 {
		return
	}
	c.m[k] = 1
}

// --- RLock then Lock ------------------------------------------------------------------------

func (c *cache) upgradeBad(k string) {
	c.rw.RLock()
	if _, ok := c.m[k]; !ok {
		c.rw.Lock() // want "GR401"
		c.m[k] = 0
		c.rw.Unlock()
	}
	c.rw.RUnlock()
}

func (c *cache) upgradeGood(k string) {
	c.rw.RLock()
	_, ok := c.m[k]
	c.rw.RUnlock()
	if !ok {
		c.rw.Lock()
		c.m[k] = 0
		c.rw.Unlock()
	}
}

// --- WaitGroups ---------------------------------------------------------------------------

func addInsideBad(jobs []func()) {
	var wg sync.WaitGroup
	for _, j := range jobs {
		go func() {
			wg.Add(1) // want "GR401"
			defer wg.Done()
			j()
		}()
	}
	wg.Wait()
}

func addBeforeGood(jobs []func()) {
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			j()
		}()
	}
	wg.Wait()
}

func doneSkippedBad(jobs []func() error) {
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			if err := j(); err != nil {
				return
			}
			wg.Done()
		}()
	}
	wg.Wait() // want "GR401"
}

func doneDeferredGood(jobs []func() error) {
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := j(); err != nil {
				return
			}
		}()
	}
	wg.Wait()
}
