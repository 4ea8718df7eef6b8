package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// Upload holds a whole request body in memory.
type Upload struct {
	ID      string
	Data    [64 << 10]byte
	N       int
	Results chan string
}

var auditLog = make(chan string)

func handleUpload(w http.ResponseWriter, r *http.Request) {
	up := &Upload{ID: r.URL.Query().Get("id"), Results: make(chan string)}
	up.N, _ = io.ReadFull(r.Body, up.Data[:])
	// The goroutine only needs the ID and the channel, but it captured up: the 64 KiB
	// buffer stays reachable for as long as the goroutine waits for results.
	go func() {
		for res := range up.Results {
			auditLog <- up.ID + ": " + res
		}
	}()
	fmt.Fprintf(w, "accepted %s (%d bytes)\n", up.ID, up.N)
}

func slowQuote() string {
	time.Sleep(50 * time.Millisecond)
	return "42"
}

func handleQuote(w http.ResponseWriter, r *http.Request) {
	ch := make(chan string) // unbuffered: the sender blocks until someone receives
	go func() {
		ch <- slowQuote()
	}()
	select {
	case q := <-ch:
		fmt.Fprintln(w, q)
	case <-time.After(10 * time.Millisecond):
		// The handler gives up; the goroutine above is stranded on its send forever.
		http.Error(w, "timeout", http.StatusGatewayTimeout)
	}
}

func handleReport(w http.ResponseWriter, r *http.Request) {
	names := r.URL.Query()["file"]
	var total int64
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			continue
		}
		// Runs at return, not per iteration: every file stays open until the loop ends.
		defer f.Close()
		n, _ := io.Copy(io.Discard, f)
		total += n
	}
	fmt.Fprintf(w, "%d bytes\n", total)
}

func handleHealthy(w http.ResponseWriter, r *http.Request) {
	// Allocates plenty, keeps nothing: the control for the runtime verdicts.
	var buf bytes.Buffer
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&buf, "line %d\n", i)
	}
	w.Write(buf.Bytes())
}
