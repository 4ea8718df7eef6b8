package callback

import "sync"

// --- lock order through an event callback and an interface --------------------------------

type eventStore interface {
	Replace(items []string)
}

type watchCache struct {
	sync.RWMutex
	items   []string
	onEvent func()
}

func (w *watchCache) SetOnEvent(f func()) {
	w.Lock()
	defer w.Unlock()
	w.onEvent = f
}

func (w *watchCache) Add(item string) {
	w.Lock()
	defer w.Unlock()
	w.items = append(w.items, item)
	if w.onEvent != nil {
		w.onEvent() // want "GR401"
	}
}

func (w *watchCache) Replace(items []string) {
	w.Lock()
	defer w.Unlock()
	w.items = items
}

type reflector struct {
	store eventStore
}

func (r *reflector) sync() { r.store.Replace(nil) }

type cacher struct {
	sync.Mutex
	events    int
	reflector *reflector
}

func (c *cacher) processEvent() {
	c.Lock()
	defer c.Unlock()
	c.events++
}

func (c *cacher) resync() {
	c.Lock()
	defer c.Unlock()
	c.reflector.sync() // want "GR401"
}

func newCacher() *cacher {
	w := &watchCache{}
	c := &cacher{reflector: &reflector{store: w}}
	w.SetOnEvent(c.processEvent)
	return c
}

// Fixed: the event callback runs after the watch cache is unlocked.
type watchCache2 struct {
	sync.RWMutex
	items   []string
	onEvent func()
}

func (w *watchCache2) SetOnEvent(f func()) {
	w.Lock()
	defer w.Unlock()
	w.onEvent = f
}

func (w *watchCache2) Add(item string) {
	w.Lock()
	w.items = append(w.items, item)
	f := w.onEvent
	w.Unlock()
	if f != nil {
		f()
	}
}

func (w *watchCache2) Replace(items []string) {
	w.Lock()
	defer w.Unlock()
	w.items = items
}

type store2 interface {
	Replace(items []string)
}

type reflector2 struct {
	store store2
}

func (r *reflector2) sync() { r.store.Replace(nil) }

type cacher2 struct {
	sync.Mutex
	events    int
	reflector *reflector2
}

func (c *cacher2) processEvent() {
	c.Lock()
	defer c.Unlock()
	c.events++
}

func (c *cacher2) resync() {
	c.Lock()
	defer c.Unlock()
	c.reflector.sync()
}

func newCacher2() *cacher2 {
	w := &watchCache2{}
	c := &cacher2{reflector: &reflector2{store: w}}
	w.SetOnEvent(c.processEvent)
	return c
}
