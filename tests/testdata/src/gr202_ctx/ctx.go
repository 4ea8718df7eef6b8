package gr202ctx

import "context"

// --- the only cancel of the context runs after the wait on it ---------------------------------

type rows struct {
	cancel context.CancelFunc
	n      int
}

func (rs *rows) initBad(ctx context.Context) {
	ctx, rs.cancel = context.WithCancel(ctx)
	go rs.awaitBad(ctx)
}

func (rs *rows) awaitBad(ctx context.Context) {
	<-ctx.Done() // want "GR202"
	rs.close()
}

func (rs *rows) close() {
	rs.cancel()
}

func openBad() *rows {
	rs := &rows{}
	rs.initBad(context.Background())
	return rs
}

// --- fixed: Close cancels the context --------------------------------------------------------

type rowsGood struct {
	closeCtx context.CancelFunc
}

func (rs *rowsGood) init(ctx context.Context) {
	ctx, rs.closeCtx = context.WithCancel(ctx)
	go rs.await(ctx)
}

func (rs *rowsGood) await(ctx context.Context) {
	<-ctx.Done()
}

func (rs *rowsGood) Close() {
	rs.closeCtx()
}

func openGood() *rowsGood {
	rs := &rowsGood{}
	rs.init(context.Background())
	return rs
}

// A parent context the caller controls can end the wait.
type watcher struct {
	stop context.CancelFunc
}

func (w *watcher) start(parent context.Context) {
	var ctx context.Context
	ctx, w.stop = context.WithCancel(parent)
	go w.wait(ctx)
}

func (w *watcher) wait(ctx context.Context) {
	<-ctx.Done()
	w.stop()
}

func Watch(parent context.Context) {
	w := &watcher{}
	w.start(parent)
}
