package sniff

import (
	"os"
	"sync"
)

var (
	mu    sync.Mutex
	heads = map[string][]byte{}
)

// Head keeps the first bytes of a file; the whole file stays reachable.
func Head(path string, n int) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(data) > n {
		data = data[:n]
	}
	mu.Lock()
	heads[path] = data // want "GR104"
	mu.Unlock()
	return data, nil
}
