package closelate

import "errors"

type result struct {
	v   int
	err error
}

func next(i int) (int, error) {
	if i > 10 {
		return 0, errors.New("too far")
	}
	return i, nil
}

// The producing goroutine returns on an error before its close: the caller's range
// never ends.
func collect(n int) []int {
	ch := make(chan int)
	go func() {
		for i := 0; i < n; i++ {
			v, err := next(i)
			if err != nil {
				return
			}
			ch <- v
		}
		close(ch)
	}()
	var out []int
	for v := range ch { // want "GR202"
		out = append(out, v)
	}
	return out
}

// Fixed: the goroutine closes the channel in a defer.
func collectFixed(n int) []int {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for i := 0; i < n; i++ {
			v, err := next(i)
			if err != nil {
				return
			}
			ch <- v
		}
	}()
	var out []int
	for v := range ch {
		out = append(out, v)
	}
	return out
}

// The error travels on the channel and the caller stops on it: a protocol, not a leak.
func collectErr(n int) ([]int, error) {
	ch := make(chan result)
	go func() {
		for i := 0; i < n; i++ {
			v, err := next(i)
			if err != nil {
				ch <- result{err: err}
				return
			}
			ch <- result{v: v}
		}
		close(ch)
	}()
	var out []int
	for r := range ch {
		if r.err != nil {
			return nil, r.err
		}
		out = append(out, r.v)
	}
	return out, nil
}
