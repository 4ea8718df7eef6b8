package loopexit

import "context"

// A request loop that stops on quit; Do sends without watching quit.
type server struct {
	reqs chan int
	quit chan struct{}
}

func newServer() *server {
	s := &server{reqs: make(chan int), quit: make(chan struct{})}
	go s.loop()
	return s
}

func (s *server) loop() {
	for {
		select {
		case v := <-s.reqs:
			_ = v
		case <-s.quit:
			return
		}
	}
}

func (s *server) Do(v int) {
	s.reqs <- v // want "GR202"
}

func (s *server) Close() { close(s.quit) }

// The fixed twin: the send gives up once the loop is gone.
type goodServer struct {
	reqs chan int
	quit chan struct{}
}

func newGoodServer() *goodServer {
	s := &goodServer{reqs: make(chan int), quit: make(chan struct{})}
	go s.loop()
	return s
}

func (s *goodServer) loop() {
	for {
		select {
		case v := <-s.reqs:
			_ = v
		case <-s.quit:
			return
		}
	}
}

func (s *goodServer) Do(v int) {
	select {
	case s.reqs <- v:
	case <-s.quit:
	}
}

func (s *goodServer) Close() { close(s.quit) }

// A loop that only ends when its own channel is closed: senders stop first.
type drainer struct{ in chan int }

func newDrainer() *drainer {
	d := &drainer{in: make(chan int)}
	go d.run()
	return d
}

func (d *drainer) run() {
	for {
		v, ok := <-d.in
		if !ok {
			return
		}
		_ = v
	}
}

func (d *drainer) Put(v int) { d.in <- v }

// A loop that leaves on ctx.Done() and one whose receive answers a request (handshake).
type worker struct {
	jobs chan func()
	ack  chan int
}

func startWorker(ctx context.Context) *worker {
	w := &worker{jobs: make(chan func()), ack: make(chan int)}
	go func() {
		for {
			select {
			case j := <-w.jobs:
				j()
			case <-ctx.Done():
				return
			}
		}
	}()
	return w
}

func (w *worker) Submit(j func()) {
	w.jobs <- j // want "GR202"
}

func (w *worker) request(ctx context.Context, j func()) int {
	for {
		select {
		case w.jobs <- j:
			return <-w.ack
		case <-ctx.Done():
			return 0
		}
	}
}

func (w *worker) reply(n int) { w.ack <- n }

// Buffered: sized for the senders left after the loop.
type notifier struct {
	ch   chan int
	stop chan struct{}
}

func newNotifier() *notifier {
	n := &notifier{ch: make(chan int, 1), stop: make(chan struct{})}
	go func() {
		for {
			select {
			case <-n.ch:
			case <-n.stop:
				return
			}
		}
	}()
	return n
}

func (n *notifier) poke() { n.ch <- 1 }

func (n *notifier) Close() { close(n.stop) }
