package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"time"
)

// heapDumpDir is where /admin/heapdump writes; set with -dumpdir.
var heapDumpDir = os.TempDir()

// handleHeapDump writes a heap dump for `goretain why` and answers with its path.
//
// runtime.GC() runs right before debug.WriteHeapDump, as Go 1.27 needs. That is not
// enough once a /debug/pprof/goroutineleak scrape has found leaks: the leaked
// goroutines keep the runtime's "leaked" status (only the next leak-detecting GC
// resets it) and WriteHeapDump throws "dumpgs in STW - bad status", killing the
// process. So the handler refuses (409) while the runtime reports leaked goroutines.
func handleHeapDump(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	if n := pprof.Lookup("goroutineleak").Count(); n > 0 {
		msg := fmt.Sprintf("%d goroutines are marked leaked by a goroutineleak scrape; "+
			"Go 1.27's WriteHeapDump would crash on them: take the dump before scraping goroutineleak", n)
		http.Error(w, msg, http.StatusConflict)
		return
	}
	path := filepath.Join(heapDumpDir, fmt.Sprintf("leakyservice-%d.heapdump", time.Now().UnixNano()))
	f, err := os.Create(path)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	runtime.GC()
	debug.WriteHeapDump(f.Fd())
	if err := f.Close(); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	fmt.Fprintln(w, path)
}
