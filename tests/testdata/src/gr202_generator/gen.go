package generator

import (
	"bufio"
	"context"
	"io"
	"strings"
)

// lines is a generator: the producer's bare send blocks once a caller stops ranging.
func lines(r io.Reader) <-chan string {
	out := make(chan string)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			out <- sc.Text() // want "GR202"
		}
	}()
	return out
}

func firstMatch(r io.Reader, want string) bool {
	for l := range lines(r) {
		if l == want {
			return true
		}
	}
	return false
}

func countLines(r io.Reader) int {
	n := 0
	for range lines(r) {
		n++
	}
	return n
}

// Fixed: the generator takes a ctx and gives up when the caller cancels it.
func linesCtx(ctx context.Context, r io.Reader) <-chan string {
	out := make(chan string)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			select {
			case out <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

func firstMatchCtx(r io.Reader, want string) bool {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for l := range linesCtx(ctx, r) {
		if l == want {
			return true
		}
	}
	return false
}

// words is only ever drained completely in this package.
func words(s string) <-chan string {
	out := make(chan string)
	go func() {
		for _, w := range strings.Fields(s) {
			out <- w
		}
		close(out)
	}()
	return out
}

func countWords(s string) int {
	n := 0
	for range words(s) {
		n++
	}
	return n
}

// Fixed by the caller: it drains the rest before it returns.
func hasWord(s, want string) bool {
	ws := words(s)
	found := false
	for w := range ws {
		if w == want {
			found = true
			break
		}
	}
	for range ws {
	}
	return found
}

// Fields is exported: callers elsewhere may drain it; nobody here stops early.
func Fields(s string) <-chan string {
	out := make(chan string)
	go func() {
		defer close(out)
		for _, w := range strings.Fields(s) {
			out <- w
		}
	}()
	return out
}

// squares has room for every value: the producer never blocks.
func squares(xs []int) <-chan int {
	out := make(chan int, len(xs))
	go func() {
		defer close(out)
		for _, x := range xs {
			out <- x * x
		}
	}()
	return out
}

func firstSquare(xs []int) int {
	return <-squares(xs)
}

type store struct{ items []string }

// A method generator whose caller takes one value only.
func (s *store) each() <-chan string {
	out := make(chan string)
	go func() {
		for _, it := range s.items {
			out <- it // want "GR202"
		}
		close(out)
	}()
	return out
}

func (s *store) first() string {
	return <-s.each()
}

// Two results; the caller leaves on cancellation in its receive loop.
func walk(root string) (<-chan string, <-chan error) {
	paths := make(chan string)
	errc := make(chan error, 1)
	go func() {
		defer close(paths)
		for _, p := range strings.Split(root, "/") {
			paths <- p // want "GR202"
		}
		errc <- nil
	}()
	return paths, errc
}

func walkFor(ctx context.Context, root string) []string {
	paths, errc := walk(root)
	var out []string
	for {
		select {
		case p, ok := <-paths:
			if !ok {
				<-errc
				return out
			}
			out = append(out, p)
		case <-ctx.Done():
			return out
		}
	}
}

// A generator bound to a local func literal; the caller breaks out after a few values.
func firstN(n int) []int {
	gen := func() <-chan int {
		ch := make(chan int)
		go func() {
			for i := 0; ; i++ {
				ch <- i // want "GR202"
			}
		}()
		return ch
	}
	var out []int
	for v := range gen() {
		if len(out) == n {
			break
		}
		out = append(out, v)
	}
	return out
}

// Fixed: the literal generator stops on the done channel the caller closes.
func firstNDone(n int) []int {
	done := make(chan struct{})
	defer close(done)
	gen := func() <-chan int {
		ch := make(chan int)
		go func() {
			defer close(ch)
			for i := 0; ; i++ {
				select {
				case ch <- i:
				case <-done:
					return
				}
			}
		}()
		return ch
	}
	var out []int
	for v := range gen() {
		if len(out) == n {
			break
		}
		out = append(out, v)
	}
	return out
}
