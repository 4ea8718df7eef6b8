package deadquit

import "time"

// The loop's only exit waits on quit, which nothing ever closes: it never ends.
type Worker struct {
	jobs chan int
	quit chan struct{}
}

func NewWorker() *Worker {
	w := &Worker{jobs: make(chan int), quit: make(chan struct{})}
	go w.loop()
	return w
}

func (w *Worker) loop() {
	for { // want "GR203"
		select {
		case j := <-w.jobs:
			_ = j
		case <-w.quit:
			return
		}
	}
}

func (w *Worker) Submit(j int) { w.jobs <- j }

// Fixed twin: Stop closes quit.
type Pool struct {
	jobs chan int
	quit chan struct{}
}

func NewPool() *Pool {
	p := &Pool{jobs: make(chan int), quit: make(chan struct{})}
	go p.loop()
	return p
}

func (p *Pool) loop() {
	for {
		select {
		case j := <-p.jobs:
			_ = j
		case <-p.quit:
			return
		}
	}
}

func (p *Pool) Submit(j int) {
	select {
	case p.jobs <- j:
	case <-p.quit:
	}
}

func (p *Pool) Stop() { close(p.quit) }

// Fixed twin: Stop sends on quit.
type Ticker struct {
	stop chan bool
}

func NewTicker(f func()) *Ticker {
	t := &Ticker{stop: make(chan bool)}
	go func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				f()
			case <-t.stop:
				return
			}
		}
	}()
	return t
}

func (t *Ticker) Stop() { t.stop <- true }

// Not flagged: the stop channel comes from the caller, who may close it.
type Poller struct {
	done <-chan struct{}
}

func NewPoller(done <-chan struct{}, f func()) *Poller {
	p := &Poller{done: done}
	go func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				f()
			case <-p.done:
				return
			}
		}
	}()
	return p
}

// Not flagged: the quit channel is handed to the caller.
func Watch(f func()) chan struct{} {
	quit := make(chan struct{})
	go func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				f()
			case <-quit:
				return
			}
		}
	}()
	return quit
}

// A local quit channel nobody closes.
func Spin(f func()) {
	quit := make(chan struct{})
	go func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for { // want "GR203"
			select {
			case <-tick.C:
				f()
			case <-quit:
				return
			}
		}
	}()
}

// Not flagged: the loop also leaves on a closed jobs channel.
type Queue struct {
	jobs chan int
	quit chan struct{}
}

func NewQueue() *Queue {
	q := &Queue{jobs: make(chan int), quit: make(chan struct{})}
	go q.loop()
	return q
}

func (q *Queue) loop() {
	for {
		select {
		case j, ok := <-q.jobs:
			if !ok {
				return
			}
			_ = j
		case <-q.quit:
			return
		}
	}
}

func (q *Queue) Close() { close(q.jobs) }

// A worker ranging over a job channel nothing in the package ever closes, not even Stop.
type Sink struct {
	jobs    chan int
	stopped bool
}

func NewSink(f func(int)) *Sink {
	s := &Sink{jobs: make(chan int)}
	go s.run(f)
	return s
}

func (s *Sink) run(f func(int)) {
	for j := range s.jobs { // want "GR202"
		f(j)
	}
}

func (s *Sink) Put(j int) { s.jobs <- j }

func (s *Sink) Stop() { s.stopped = true }

// Fixed twin: Close ends the range.
type Drain struct {
	jobs chan int
}

func NewDrain(f func(int)) *Drain {
	d := &Drain{jobs: make(chan int)}
	go d.run(f)
	return d
}

func (d *Drain) run(f func(int)) {
	for j := range d.jobs {
		f(j)
	}
}

func (d *Drain) Put(j int) { d.jobs <- j }

func (d *Drain) Close() { close(d.jobs) }

// Not flagged: no shutdown method at all, maybe a program-lifetime singleton.
type Logger struct {
	lines chan string
}

func NewLogger(w func(string)) *Logger {
	l := &Logger{lines: make(chan string, 64)}
	go func() {
		for s := range l.lines {
			w(s)
		}
	}()
	return l
}

func (l *Logger) Print(s string) { l.lines <- s }
