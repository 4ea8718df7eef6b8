package neverfed

// A stopper whose quiesce channel is handed out receive-only and never closed.
type stopper struct {
	quiesce chan struct{}
}

func newStopper() *stopper { return &stopper{quiesce: make(chan struct{})} }

func (s *stopper) ShouldQuiesce() <-chan struct{} {
	if s == nil {
		return nil
	}
	return s.quiesce
}

type queue struct{ s *stopper }

func (q *queue) process() {
	<-q.s.ShouldQuiesce() // want "GR202"
}

// Fixed twin: Stop closes the channel.
type goodStopper struct {
	quiesce chan struct{}
}

func newGoodStopper() *goodStopper { return &goodStopper{quiesce: make(chan struct{})} }

func (s *goodStopper) ShouldQuiesce() <-chan struct{} { return s.quiesce }

func (s *goodStopper) Stop() { close(s.quiesce) }

type goodQueue struct{ s *goodStopper }

func (q *goodQueue) process() {
	<-q.s.ShouldQuiesce()
}

// Closed through an embedded struct's promoted field.
type base struct{ done chan struct{} }

type derived struct {
	base
	n int
}

func newDerived() *derived { return &derived{base: base{done: make(chan struct{})}} }

func (d *derived) finish() { close(d.done) }

func (d *derived) wait() { <-d.base.done }
