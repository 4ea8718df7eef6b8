// Package streamquit: the fixed twins; the producer gives up when the consumer leaves, stops
// after the value the consumer stops on, or has room for everything it sends.
package streamquit

import (
	"bufio"
	"io"
	"iter"
	"os"
)

// LoadAll closes quit on return; the producer selects on it.
func LoadAll(paths []string, validate func([]byte) error) ([][]byte, error) {
	next := make(chan []byte)
	quit := make(chan struct{})
	defer close(quit)
	go func() {
		defer close(next)
		for _, p := range paths {
			b, _ := os.ReadFile(p)
			select {
			case next <- b:
			case <-quit:
				return
			}
		}
	}()
	var out [][]byte
	for b := range next {
		if err := validate(b); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// Lines pulls directly: no goroutine.
func Lines(r io.Reader) iter.Seq[string] {
	return func(yield func(string) bool) {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if !yield(sc.Text()) {
				return
			}
		}
	}
}

type result struct {
	data []byte
	err  error
}

// ReadAll: the producer's error is its last send, so returning on it strands nobody.
func ReadAll(paths []string) ([][]byte, error) {
	ch := make(chan result)
	go func() {
		defer close(ch)
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				ch <- result{err: err}
				return
			}
			ch <- result{data: b}
		}
	}()
	var out [][]byte
	for r := range ch {
		if r.err != nil {
			return nil, r.err
		}
		out = append(out, r.data)
	}
	return out, nil
}

// FindFirst: the buffer holds every value the producer sends.
func FindFirst(match func(int) bool) int {
	found := -1
	ch := make(chan int, 4)
	go func() {
		for i := 0; i < 4; i++ {
			ch <- i * i
		}
		close(ch)
	}()
	for v := range ch {
		if match(v) {
			found = v
			break
		}
	}
	return found
}
