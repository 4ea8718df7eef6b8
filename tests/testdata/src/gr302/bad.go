package gr302

import (
	"context"
	"errors"
	"time"
)

func earlyReturn(parent context.Context, fail bool) error {
	ctx, cancel := context.WithTimeout(parent, time.Second) // want "GR302"
	if fail {
		return errors.New("bad input")
	}
	defer cancel()
	<-ctx.Done()
	return nil
}

func discarded(parent context.Context) context.Context {
	ctx, _ := context.WithTimeout(parent, time.Second) // want "GR302"
	return ctx
}

func neverCalled(parent context.Context) {
	ctx, cancel := context.WithCancel(parent) // want "GR302"
	_ = cancel == nil
	_ = ctx.Value("k")
}

func overwritten(parent context.Context) {
	ctx, cancel := context.WithTimeout(parent, time.Second) // want "GR302"
	ctx, cancel = context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	<-ctx.Done()
}

func deferInLoop(parent context.Context, jobs []string) {
	for range jobs {
		ctx, cancel := context.WithTimeout(parent, time.Second)
		defer cancel() // want "GR301"
		<-ctx.Done()
	}
}

type worker struct {
	ctx  context.Context
	stop context.CancelFunc
}

func newWorker(parent context.Context) *worker {
	w := &worker{}
	w.ctx, w.stop = context.WithCancel(parent) // want "GR302"
	return w
}

func cause(parent context.Context) {
	ctx, cancel := context.WithCancelCause(parent) // want "GR302"
	if ctx.Err() != nil {
		return
	}
	cancel(nil)
}
