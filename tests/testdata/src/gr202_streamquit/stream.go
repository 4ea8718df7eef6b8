// Package streamquit: one local producer goroutine sends every item with a bare send, and
// the consuming loop in the same function leaves on a value it received; the producer
// blocks on its next send forever.
package streamquit

import (
	"bufio"
	"io"
	"iter"
	"os"
)

// LoadAll returns on the first invalid file.
func LoadAll(paths []string, validate func([]byte) error) ([][]byte, error) {
	next := make(chan []byte)
	go func() {
		for _, p := range paths {
			b, _ := os.ReadFile(p)
			next <- b // want "GR202"
		}
		close(next)
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

// Lines is a goroutine-backed iterator: the consumer's break makes yield return false.
func Lines(r io.Reader) iter.Seq[string] {
	return func(yield func(string) bool) {
		ch := make(chan string)
		go func() {
			defer close(ch)
			sc := bufio.NewScanner(r)
			for sc.Scan() {
				ch <- sc.Text() // want "GR202"
			}
		}()
		for line := range ch {
			if !yield(line) {
				return
			}
		}
	}
}

// FindFirst breaks out at the first match.
func FindFirst(n int, match func(int) bool) int {
	found := -1
	ch := make(chan int, 2)
	go func() {
		for i := 0; i < n; i++ {
			ch <- i * i // want "GR202"
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
