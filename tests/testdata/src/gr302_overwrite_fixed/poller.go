package poller

import (
	"context"
	"sync"
	"time"
)

// Poller re-targets its background poll whenever Retarget is called.
type Poller struct {
	mu     sync.Mutex
	root   context.Context
	stop   context.CancelFunc
	target string
}

func New(root context.Context) *Poller { return &Poller{root: root} }

func (p *Poller) Retarget(target string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.target = target
	if p.stop != nil {
		p.stop()
	}
	ctx, stop := context.WithTimeout(p.root, time.Hour)
	p.stop = stop
	go p.run(ctx, target)
}

// Begin derives from its caller's context: nothing long-lived keeps the old one.
func (p *Poller) Begin(ctx context.Context) {
	ctx, stop := context.WithCancel(ctx)
	p.stop = stop
	go p.run(ctx, "")
}

func (p *Poller) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stop != nil {
		p.stop()
	}
}

func (p *Poller) run(ctx context.Context, target string) {
	<-ctx.Done()
	_ = target
}
