package closelate

import (
	"context"
	"errors"
	"sync"
)

// The producer returns on cancellation before close(in): the workers wait in their
// range forever.
func pool(ctx context.Context, jobs []int, work func(int) error) error {
	in := make(chan int)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range in { // want "GR202"
				_ = work(j)
			}
		}()
	}
	for _, j := range jobs {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		in <- j
	}
	close(in)
	wg.Wait()
	return nil
}

// Fixed: the close is deferred right after the workers start.
func poolFixed(ctx context.Context, jobs []int, work func(int) error) error {
	in := make(chan int)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range in {
				_ = work(j)
			}
		}()
	}
	defer func() {
		wg.Wait()
	}()
	defer close(in)
	for _, j := range jobs {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		in <- j
	}
	return nil
}

// Fixed differently: the error path closes the channel before it returns.
func poolCloseOnError(ctx context.Context, jobs []int, work func(int) error) error {
	in := make(chan int)
	go func() {
		for j := range in {
			_ = work(j)
		}
	}()
	for _, j := range jobs {
		if err := ctx.Err(); err != nil {
			close(in)
			return err
		}
		in <- j
	}
	close(in)
	return nil
}

// Validation returns before any worker starts: nothing is stranded.
func poolValidate(jobs []int, work func(int) error) error {
	if len(jobs) == 0 {
		return errors.New("no jobs")
	}
	in := make(chan int)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for j := range in {
			_ = work(j)
		}
	}()
	for _, j := range jobs {
		in <- j
	}
	close(in)
	<-done
	return nil
}

func worker(in <-chan string, out func(string)) {
	for s := range in {
		out(s)
	}
}

// The worker is a named function started with go; the send loop breaks out with a return.
func feed(lines []string, out func(string)) error {
	in := make(chan string)
	go worker(in, out) // want "GR202"
	for _, l := range lines {
		if l == "" {
			return errors.New("empty line")
		}
		in <- l
	}
	close(in)
	return nil
}

// Only one branch starts the worker; the other returns without one.
func branchy(fast bool, lines []string, out func(string)) {
	in := make(chan string)
	if fast {
		go worker(in, out)
	} else {
		return
	}
	for _, l := range lines {
		in <- l
	}
	close(in)
}
