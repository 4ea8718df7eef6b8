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
	ctx, stop := context.WithTimeout(p.root, time.Hour)
	p.stop = stop // want "GR302"
	go p.run(ctx, target)
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
