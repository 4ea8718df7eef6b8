package ctxowner

import "context"

type tx struct {
	ctx    context.Context
	cancel context.CancelFunc
}

func (t *tx) awaitDone() {
	<-t.ctx.Done() // want "GR202"
}

func (t *tx) Rollback() { t.cancel() }

func begin(parent context.Context) *tx {
	ctx, cancel := context.WithCancel(parent)
	t := &tx{ctx: ctx, cancel: cancel}
	go t.awaitDone()
	return t
}

// The transaction is dropped: nothing can call Rollback.
func leaky() {
	begin(context.Background())
}

// Fixed twin: the caller keeps the owner and rolls back.
type tx2 struct {
	ctx    context.Context
	cancel context.CancelFunc
}

func (t *tx2) awaitDone() { <-t.ctx.Done() }

func (t *tx2) Rollback() { t.cancel() }

func begin2(parent context.Context) *tx2 {
	ctx, cancel := context.WithCancel(parent)
	t := &tx2{ctx: ctx, cancel: cancel}
	go t.awaitDone()
	return t
}

func fine() {
	t := begin2(context.Background())
	defer t.Rollback()
}
