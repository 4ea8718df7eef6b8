// Fixed version of the GoBench kernel cockroach13197 from $GOROOT/src/runtime/testdata/
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
	register("Cockroach13197", Cockroach13197)
}

type DB_cockroach13197 struct{}

func (db *DB_cockroach13197) begin(ctx context.Context) *Tx_cockroach13197 {
	ctx, cancel := context.WithCancel(ctx)
	tx := &Tx_cockroach13197{
		cancel: cancel,
		ctx:    ctx,
	}
	go tx.awaitDone()
	return tx
}

type Tx_cockroach13197 struct {
	cancel context.CancelFunc
	ctx    context.Context
}

func (tx *Tx_cockroach13197) awaitDone() {
	<-tx.ctx.Done()
}

func (tx *Tx_cockroach13197) Rollback() {
	tx.rollback()
}

func (tx *Tx_cockroach13197) rollback() {
	tx.close()
}

func (tx *Tx_cockroach13197) close() {
	tx.cancel()
}

func Cockroach13197() {
	prof := pprof.Lookup("goroutineleak")
	defer func() {

		for i := 0; i < yieldCount; i++ {
			runtime.Gosched()
		}
		prof.WriteTo(os.Stdout, 2)
	}()

	db := &DB_cockroach13197{}
	db.begin(context.Background()).Rollback()
}
