// Fixed version of the GoBench kernel cockroach13755 from $GOROOT/src/runtime/testdata/
// testgoroutineleakprofile/goker (Copyright 2025 The Go Authors; MIT license, see
// the LICENSE file there), with the upstream fix applied. goretain must stay silent.

package main

import (
	"context"
	"os"
	"runtime"
	"runtime/pprof"
)

func init() {
	register("Cockroach13755", Cockroach13755)
}

type Rows_cockroach13755 struct {
	cancel context.CancelFunc
}

func (rs *Rows_cockroach13755) initContextClose(ctx context.Context) {
	ctx, rs.cancel = context.WithCancel(ctx)
	go rs.awaitDone(ctx)
}

func (rs *Rows_cockroach13755) awaitDone(ctx context.Context) {
	<-ctx.Done()
	rs.close(ctx.Err())
}

func (rs *Rows_cockroach13755) close(err error) {
	rs.cancel()
}

func (rs *Rows_cockroach13755) Close() error {
	rs.close(nil)
	return nil
}


func Cockroach13755() {
	prof := pprof.Lookup("goroutineleak")
	defer func() {
		for i := 0; i < yieldCount; i++ {
			runtime.Gosched()
		}
		prof.WriteTo(os.Stdout, 2)
	}()

	rs := &Rows_cockroach13755{}
	rs.initContextClose(context.Background())
	rs.Close()
}
