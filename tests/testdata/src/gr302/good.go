package gr302

import (
	"context"
	"testing"
	"time"
)

func deferred(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	<-ctx.Done()
	return ctx.Err()
}

func returned(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent)
	return ctx, cancel
}

type server struct {
	cancel context.CancelFunc
}

func (s *server) start(parent context.Context) context.Context {
	ctx, cancel := context.WithCancel(parent)
	s.cancel = cancel
	return ctx
}

func (s *server) Close() { s.cancel() }

type job struct {
	ctx    context.Context
	cancel context.CancelFunc
}

func newJob(parent context.Context) *job {
	ctx, cancel := context.WithCancel(parent)
	return &job{ctx: ctx, cancel: cancel}
}

func (j *job) done() { j.cancel() }

func calledInGoroutine(parent context.Context, done <-chan struct{}) context.Context {
	ctx, cancel := context.WithCancel(parent)
	go func() {
		<-done
		cancel()
	}()
	return ctx
}

func passedOn(t *testing.T, parent context.Context) context.Context {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	t.Cleanup(cancel)
	return ctx
}

func afterFunc(parent, other context.Context) context.Context {
	ctx, cancel := context.WithCancel(parent)
	context.AfterFunc(other, cancel)
	return ctx
}

func inLoopCalled(parent context.Context, jobs []string) {
	for range jobs {
		ctx, cancel := context.WithTimeout(parent, time.Second)
		<-ctx.Done()
		cancel()
	}
}

func inLoopClosure(parent context.Context, jobs []string) {
	for range jobs {
		func() {
			ctx, cancel := context.WithTimeout(parent, time.Second)
			defer cancel()
			<-ctx.Done()
		}()
	}
}

func conditional(parent context.Context, d time.Duration) {
	var cancel context.CancelFunc
	ctx := parent
	if d > 0 {
		ctx, cancel = context.WithTimeout(parent, d)
	} else {
		ctx, cancel = context.WithCancel(parent)
	}
	defer cancel()
	<-ctx.Done()
}

func closureVar(parent context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(parent)
	stop := func() { cancel() }
	return ctx, stop
}
