package sniff

import (
	"bytes"
	"os"
	"sync"
)

var (
	mu    sync.Mutex
	heads = map[string][]byte{}
)

// Head keeps a copy of the first bytes of a file.
func Head(path string, n int) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(data) > n {
		data = bytes.Clone(data[:n])
	}
	mu.Lock()
	heads[path] = data
	mu.Unlock()
	return data, nil
}

// Scratch trims a local buffer but keeps nothing.
func Scratch(path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	data = data[:1]
	return len(data)
}
