// Package fieldgroup: the fixed twins; Wait keeps receiving until every goroutine has
// delivered, and a sentinel-driven loop stops on a value its only sender sends last.
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
	go func() { g.errc <- f() }()
}

// Wait drains every result and keeps the first error.
func (g *Group) Wait() error {
	var first error
	for i := 0; i < g.n; i++ {
		if err := <-g.errc; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Pool: one goroutine per call, each with its own buffered reply channel.
type Pool struct {
	replies []chan error
}

// Go runs f.
func (p *Pool) Go(f func() error) {
	ch := make(chan error, 1)
	p.replies = append(p.replies, ch)
	go func() { ch <- f() }()
}

// Wait returns on the first error; the buffers keep the other senders free.
func (p *Pool) Wait() error {
	for _, ch := range p.replies {
		if err := <-ch; err != nil {
			return err
		}
	}
	return nil
}
