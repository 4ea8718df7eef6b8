package waitdrain

import "sync"

func square(n int) int { return n * n }

// Every sender blocks on the unbuffered channel: wg.Wait never returns.
func sum(items []int) int {
	var wg sync.WaitGroup
	results := make(chan int)
	for _, it := range items {
		wg.Add(1)
		go func(it int) {
			defer wg.Done()
			results <- square(it) // want "GR202"
		}(it)
	}
	wg.Wait()
	close(results)
	total := 0
	for r := range results {
		total += r
	}
	return total
}

// Fixed twin: a slot per sender.
func sumBuffered(items []int) int {
	var wg sync.WaitGroup
	results := make(chan int, len(items))
	for _, it := range items {
		wg.Add(1)
		go func(it int) {
			defer wg.Done()
			results <- square(it)
		}(it)
	}
	wg.Wait()
	close(results)
	total := 0
	for r := range results {
		total += r
	}
	return total
}

// Fixed twin: Wait and close run in their own goroutine while this one drains.
func sumDrained(items []int) int {
	var wg sync.WaitGroup
	results := make(chan int)
	for _, it := range items {
		wg.Add(1)
		go func(it int) {
			defer wg.Done()
			results <- square(it)
		}(it)
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	total := 0
	for r := range results {
		total += r
	}
	return total
}

// A named worker gets the WaitGroup by pointer and marks it done after the send.
func worker(wg *sync.WaitGroup, n int, out chan<- int) {
	out <- square(n)
	wg.Done()
}

func squares(items []int) []int {
	var wg sync.WaitGroup
	out := make(chan int)
	for _, it := range items {
		wg.Add(1)
		go worker(&wg, it, out) // want "GR202"
	}
	wg.Wait()
	var res []int
	for range items {
		res = append(res, <-out)
	}
	return res
}

// Go 1.25's WaitGroup.Go: the task is done when the func returns, after its send.
func squaresGo(items []int) []int {
	var wg sync.WaitGroup
	out := make(chan int)
	for _, it := range items {
		wg.Go(func() {
			out <- square(it) // want "GR202"
		})
	}
	wg.Wait()
	close(out)
	var res []int
	for v := range out {
		res = append(res, v)
	}
	return res
}

// Fixed twin: the receiver collects in a goroutine started before Wait.
func squaresGoDrained(items []int) []int {
	var wg sync.WaitGroup
	out := make(chan int)
	var res []int
	done := make(chan struct{})
	go func() {
		for v := range out {
			res = append(res, v)
		}
		close(done)
	}()
	for _, it := range items {
		wg.Go(func() {
			out <- square(it)
		})
	}
	wg.Wait()
	close(out)
	<-done
	return res
}

// Not a leak: Done runs before the send, so Wait returns and the receive follows.
func early(items []int) []int {
	var wg sync.WaitGroup
	out := make(chan int)
	for _, it := range items {
		wg.Add(1)
		go func(it int) {
			wg.Done()
			out <- square(it)
		}(it)
	}
	wg.Wait()
	var res []int
	for range items {
		res = append(res, <-out)
	}
	return res
}
