package gr304

import (
	"bufio"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"os"
)

type holder struct {
	f    *os.File
	resp *http.Response
}

var (
	global   *os.File
	registry = map[string]net.Conn{}
	conns    []net.Conn
)

func deferred(url string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var v map[string]any
	return json.NewDecoder(resp.Body).Decode(&v)
}

func closeOnStatus(url string) error {
	resp, err := http.DefaultClient.Get(url)
	if err != nil {
		return err
	}
	if resp.StatusCode != 200 {
		resp.Body.Close()
		return io.EOF
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

func returned(url string) (*http.Response, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	return resp, nil
}

func returnedWrapped(path string) (*bufio.Reader, *os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	return bufio.NewReader(f), f, nil
}

func storedField(h *holder, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	h.f = f
	return nil
}

func storedLiteral(url string) (*holder, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	return &holder{resp: resp}, nil
}

func storedGlobal(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	global = f
	return nil
}

func storedMap(addr string) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	registry[addr] = c
	return nil
}

func storedSlice(addr string) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	conns = append(conns, c)
	return nil
}

func sentOnChannel(addr string, ch chan<- net.Conn) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	ch <- c
	return nil
}

func closeIt(c io.Closer) { c.Close() }

func passedToCloser(addr string) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	closeIt(c)
	return nil
}

func passedUnresolved(addr string, sink func(net.Conn)) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	sink(c)
	return nil
}

func serve(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go handle(c)
	}
}

func handle(c net.Conn) {
	defer c.Close()
	io.Copy(c, c)
}

func closedInGoroutine(addr string) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	go func() {
		io.Copy(io.Discard, c)
		c.Close()
	}()
	return nil
}

func closedInDeferClosure(path string) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	_, err = f.Write([]byte("x"))
	return err
}

func capturedByCleanup(path string) (func(), error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	cleanup := func() { f.Close() }
	return cleanup, nil
}

func returnClose(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write([]byte("x")); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func ifErrClose(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return nil
}

func drained(db *sql.DB) ([]string, error) {
	rows, err := db.Query("SELECT name FROM t")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func bothBranches(path string, fast bool) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	if fast {
		f.Close()
	} else {
		defer f.Close()
	}
	return nil
}

func successBranch(path string) error {
	f, err := os.Open(path)
	if err == nil {
		defer f.Close()
		_, err = io.ReadAll(f)
	}
	return err
}

func handoffThenNil(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() {
		if f != nil {
			f.Close()
		}
	}()
	if _, err := f.Stat(); err != nil {
		return nil, err
	}
	ret := f
	f = nil
	return ret, nil
}

func fileLoopClosed(paths []string) {
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		io.Copy(io.Discard, f)
		f.Close()
	}
}

func closedViaMethodValue(path string, register func(func() error)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	register(f.Close)
	return nil
}

func main2() {
	f, _ := os.Open("x")
	defer f.Close()
}

// Reading the body to EOF hands the connection back to the client: nothing is held.
func drainedBody(url string) ([]byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(resp.Body)
}

func copiedBody(url string, w io.Writer) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, resp.Body)
	return err
}

// A HEAD response's Body is http.NoBody.
func headOnly(url string) (int, error) {
	resp, err := http.Head(url)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// The else branch is the failure path: resp is nil there.
func closedOnSuccessBranch(url string) {
	resp, err := http.Get(url)
	if err == nil {
		resp.Body.Close()
	} else {
		log.Println(err)
	}
}

// Tests that assert the call fails: no response exists past the check.
func expectFailure(url string, t interface{ Fatal(...any) }) {
	if _, err := http.Get(url); err == nil {
		t.Fatal("want an error")
	}
	resp, err := http.Get(url)
	if err == nil {
		t.Fatal("want an error")
	}
	_ = resp
	_, err = http.Get(url)
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatal(err)
	}
	_, err = http.Get(url)
	if err == nil || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatal(err)
	}
}

// Response.Write sends the body and closes it.
func dumpResponse(url string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	return resp.Write(os.Stdout)
}

// The call exists to manufacture an error value: its error is data, never checked.
func errorSample(report func(error, bool)) {
	_, errOpen := os.Open("/nonexistent/file")
	for _, tc := range []struct {
		err  error
		want bool
	}{{errOpen, true}, {errors.New("x"), false}} {
		report(tc.err, tc.want)
	}
}

// A branch on something else sits between the call and its error check.
func errCheckAfterBranch(paths []string, wantErr bool, report func(string)) {
	for _, p := range paths {
		f, err := os.Open(p)
		if wantErr {
			if err == nil {
				f.Close()
				report(p)
			}
			continue
		}
		if err != nil {
			report(p)
			continue
		}
		f.Close()
	}
}
