package skipclose

import "errors"

func produce(items []int) error {
	if len(items) == 0 {
		return errors.New("empty")
	}
	return nil
}

// The consumer goroutine returns on a bad item and never closes done.
func consume(in chan int) {
	done := make(chan struct{})
	go func() {
		for v := range in {
			if v < 0 {
				return
			}
		}
		close(done)
	}()
	<-done // want "GR202"
}

// Fixed: the close is deferred, so every path runs it.
func consumeFixed(in chan int) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for v := range in {
			if v < 0 {
				return
			}
		}
	}()
	<-done
}

// The worker reports its result on the error path too.
func work(items []int) error {
	errc := make(chan error)
	go func() {
		if err := produce(items); err != nil {
			errc <- err
			return
		}
		errc <- nil
	}()
	return <-errc
}

// An early-return error path that skips the only send.
func workBad(items []int) error {
	errc := make(chan error)
	go func() {
		if err := produce(items); err != nil {
			return
		}
		errc <- nil
	}()
	return <-errc // want "GR202"
}
