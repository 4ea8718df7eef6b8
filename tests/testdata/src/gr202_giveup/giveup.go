package giveup

import "context"

// The producer gives up when ctx ends; the consumer waits alone.
type pipe struct {
	results chan int
}

func newPipe() *pipe { return &pipe{results: make(chan int)} }

func (p *pipe) produce(ctx context.Context, v int) {
	select {
	case p.results <- v:
	case <-ctx.Done():
		return
	}
}

func (p *pipe) consume() int {
	return <-p.results // want "GR202"
}

// Fixed twin: the consumer watches the same cancellation.
type goodPipe struct {
	results chan int
}

func newGoodPipe() *goodPipe { return &goodPipe{results: make(chan int)} }

func (p *goodPipe) produce(ctx context.Context, v int) {
	select {
	case p.results <- v:
	case <-ctx.Done():
	}
}

func (p *goodPipe) consume(ctx context.Context) int {
	select {
	case v := <-p.results:
		return v
	case <-ctx.Done():
		return 0
	}
}

// Channels kept in a slice: the waiter ranges over them after cancellation.
type replica struct {
	chans []chan bool
}

func newReplica() *replica {
	r := &replica{}
	r.chans = append(r.chans, make(chan bool), make(chan bool))
	return r
}

func (r *replica) send(ctx context.Context) {
	for _, ch := range r.chans {
		select {
		case ch <- true:
		case <-ctx.Done():
			return
		}
	}
}

func (r *replica) wait(ctx context.Context) {
	done := ctx.Done()
	for _, ch := range r.chans {
		select {
		case <-ch:
		case <-done:
			go func() {
				for _, ch := range r.chans {
					<-ch // want "GR202"
				}
			}()
		}
	}
}

// A notification dropped when nobody listens (default case): receivers expect that.
type notifier struct{ c chan struct{} }

func newNotifier() *notifier { return &notifier{c: make(chan struct{})} }

func (n *notifier) notify() {
	select {
	case n.c <- struct{}{}:
	default:
	}
}

func (n *notifier) wait() { <-n.c }
