// Command leakyservice is goretain's demo: a small HTTP service with the leaks our
// rules name, plus a healthy endpoint as a control. Do not copy its handlers.
package main

import (
	_ "expvar" // /debug/vars: memstats and cmdline for goretain watch
	"flag"
	"log"
	"net/http"
	_ "net/http/pprof" // /debug/pprof/* (Go 1.27 serves goroutineleak through its index handler)
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.StringVar(&heapDumpDir, "dumpdir", heapDumpDir, "directory for /admin/heapdump")
	flag.Parse()

	mux := http.DefaultServeMux
	mux.HandleFunc("/login", handleLogin)             // session map never deleted
	mux.HandleFunc("/lookup", handleLookup)           // sync.Map cache never cleared
	mux.HandleFunc("/upload", handleUpload)           // goroutine pins the whole upload
	mux.HandleFunc("/quote", handleQuote)             // sender stranded by a timeout
	mux.HandleFunc("/report", handleReport)           // defers pile up in a loop
	mux.HandleFunc("/healthy", handleHealthy)         // churns, frees everything
	mux.HandleFunc("/admin/heapdump", handleHeapDump) // POST: runtime.GC + debug.WriteHeapDump

	srv := &http.Server{Addr: *addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	log.Printf("leakyservice listening on %s", *addr)
	log.Fatal(srv.ListenAndServe())
}
