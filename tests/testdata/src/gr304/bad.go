package gr304

import (
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
)

func statusBeforeDefer(url string) ([]byte, error) {
	resp, err := http.Get(url) // want "GR304"
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

func neverClosed(c *http.Client, req *http.Request) (int, error) {
	resp, err := c.Do(req) // want "GR304"
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

func discarded(url string) {
	http.Get(url) // want "GR304"
}

func discardedBlank(url string) error {
	_, err := http.Post(url, "text/plain", nil) // want "GR304"
	return err
}

func rowsEarlyReturn(db *sql.DB) ([]string, error) {
	rows, err := db.Query("SELECT name FROM t") // want "GR304"
	if err != nil {
		return nil, err
	}
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func stmtNotClosed(db *sql.DB) error {
	st, err := db.Prepare("SELECT 1") // want "GR304"
	if err != nil {
		return err
	}
	_, err = st.Exec()
	return err
}

func fileReadOnly(path string) (int, error) {
	f, err := os.Open(path) // want "GR304"
	if err != nil {
		return 0, err
	}
	buf := make([]byte, 16)
	return f.Read(buf)
}

func fileInLoop(paths []string) int {
	n := 0
	for _, p := range paths {
		f, err := os.Open(p) // want "GR304"
		if err != nil {
			continue
		}
		st, err := f.Stat()
		if err != nil {
			continue
		}
		n += int(st.Size())
		f.Close()
	}
	return n
}

func connLeak(addr string) error {
	c, err := net.Dial("tcp", addr) // want "GR304"
	if err != nil {
		return err
	}
	if _, err := c.Write([]byte("ping")); err != nil {
		return err
	}
	return c.Close()
}

func overwritten(a, b string) error {
	f, err := os.Open(a) // want "GR304"
	if err != nil {
		return err
	}
	defer func() {
		if f != nil {
			f.Close()
		}
	}()
	if a == b {
		f = nil
	}
	return errors.New("x")
}

func readerOnly(path string) ([]byte, error) {
	f, err := os.Open(path) // want "GR304"
	if err != nil {
		return nil, err
	}
	return io.ReadAll(f)
}

// Reading only a prefix does not reach EOF: the connection stays checked out.
func peekBody(url string) ([]byte, error) {
	resp, err := http.Get(url) // want "GR304"
	if err != nil {
		return nil, err
	}
	buf := make([]byte, 16)
	_, err = io.ReadFull(resp.Body, buf)
	return buf, err
}
