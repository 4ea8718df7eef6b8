package firsterr

import (
	"errors"
	"net/http"
	"strconv"
)

func get(u string) error {
	resp, err := http.Get(u)
	if err == nil {
		resp.Body.Close()
	}
	return err
}

// N goroutines send; the receiving loop returns on the first error.
func fetchAll(urls []string) error {
	errc := make(chan error)
	for _, u := range urls {
		go func(u string) {
			errc <- get(u) // want "GR202"
		}(u)
	}
	for range urls {
		if err := <-errc; err != nil {
			return err
		}
	}
	return nil
}

// Fixed twin: one slot per sender, nobody blocks.
func fetchAllBuffered(urls []string) error {
	errc := make(chan error, len(urls))
	for _, u := range urls {
		go func(u string) {
			errc <- get(u)
		}(u)
	}
	for range urls {
		if err := <-errc; err != nil {
			return err
		}
	}
	return nil
}

// Fixed twin: every value is received before the first error is returned.
func fetchAllDrained(urls []string) error {
	errc := make(chan error)
	for _, u := range urls {
		go func(u string) {
			errc <- get(u)
		}(u)
	}
	var first error
	for range urls {
		if err := <-errc; err != nil && first == nil {
			first = err
		}
	}
	return first
}

type result struct {
	n   int
	err error
}

// A worker function started per item, the result checked after the receive; break
// leaves the loop just the same.
func parseAll(items []string) (sum int, err error) {
	out := make(chan result)
	for _, it := range items {
		go parse(it, out) // want "GR202"
	}
	for i := 0; i < len(items); i++ {
		r := <-out
		if r.err != nil {
			err = r.err
			break
		}
		sum += r.n
	}
	return sum, err
}

func parse(s string, out chan result) {
	n, err := strconv.Atoi(s)
	out <- result{n, err}
}

// Fixed twin: after the break, the rest is drained by a goroutine.
func parseAllDrain(items []string) (sum int, err error) {
	out := make(chan result)
	for _, it := range items {
		go parse(it, out)
	}
	i := 0
	for ; i < len(items); i++ {
		r := <-out
		if r.err != nil {
			err = r.err
			break
		}
		sum += r.n
	}
	go func(left int) {
		for ; left > 0; left-- {
			<-out
		}
	}(len(items) - i - 1)
	return sum, err
}

// Two distinct goroutines, the first answer wins.
func race(a, b func() (int, error)) (int, error) {
	ch := make(chan result)
	go func() { n, err := a(); ch <- result{n, err} }() // want "GR202"
	go func() { n, err := b(); ch <- result{n, err} }()
	for i := 0; i < 2; i++ {
		r := <-ch
		if r.err == nil {
			return r.n, nil
		}
	}
	return 0, errors.New("both failed")
}

// Not a leak: the loop stops on a count, after every value has been received.
func count(items []string) int {
	done := make(chan int)
	for _, it := range items {
		go func(it string) { done <- len(it) }(it)
	}
	total, seen := 0, 0
	for {
		total += <-done
		seen++
		if seen == len(items) {
			return total
		}
	}
}

// Not a leak: one producer, whose error is its last value.
func lines(next func() (string, error)) error {
	ch := make(chan result)
	go func() {
		for {
			s, err := next()
			if err != nil {
				ch <- result{err: err}
				return
			}
			ch <- result{n: len(s)}
		}
	}()
	for r := range ch {
		if r.err != nil {
			return r.err
		}
	}
	return nil
}

// Not a leak: the loop ends only when the channel is closed, after every sender is done.
func collect(items []string) []int {
	ch := make(chan int)
	for _, it := range items {
		go func(it string) { ch <- len(it) }(it)
	}
	var out []int
	for {
		v, ok := <-ch
		if !ok {
			return out
		}
		out = append(out, v)
		if len(out) == len(items) {
			close(ch)
		}
	}
}
