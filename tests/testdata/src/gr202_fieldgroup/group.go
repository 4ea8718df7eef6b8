// Package fieldgroup: a hand-written errgroup keeps one unbuffered channel in a field; Go
// starts a goroutine per call that sends on it, and Wait returns on the first error while
// the other goroutines still wait to deliver.
package fieldgroup

// Group runs funcs concurrently and reports the first error.
type Group struct {
	errc chan error
	n    int
}

// NewGroup makes the shared channel.
func NewGroup() *Group { return &Group{errc: make(chan error)} }

// Go runs f in a goroutine.
func (g *Group) Go(f func() error) {
	g.n++
	go func() { g.errc <- f() }() // want "GR202"
}

// Wait returns the first error.
func (g *Group) Wait() error {
	for i := 0; i < g.n; i++ {
		if err := <-g.errc; err != nil {
			return err
		}
	}
	return nil
}
