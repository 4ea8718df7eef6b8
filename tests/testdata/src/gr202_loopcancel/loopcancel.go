package loopcancel

import (
	"context"
	"time"
)

func double(id int) int { return id * 2 }

// The receiving loop returns when ctx ends; the senders are left blocked.
func gather(ctx context.Context, ids []int) ([]int, error) {
	out := make(chan int)
	for _, id := range ids {
		go func(id int) { out <- double(id) }(id) // want "GR202"
	}
	var res []int
	for range ids {
		select {
		case v := <-out:
			res = append(res, v)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return res, nil
}

// Fixed twin: the senders give up with the receiver.
func gatherCtx(ctx context.Context, ids []int) ([]int, error) {
	out := make(chan int)
	for _, id := range ids {
		go func(id int) {
			select {
			case out <- double(id):
			case <-ctx.Done():
			}
		}(id)
	}
	var res []int
	for range ids {
		select {
		case v := <-out:
			res = append(res, v)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return res, nil
}

// Fixed twin: a buffer for every sender.
func gatherBuffered(ctx context.Context, ids []int) ([]int, error) {
	out := make(chan int, len(ids))
	for _, id := range ids {
		go func(id int) { out <- double(id) }(id)
	}
	var res []int
	for range ids {
		select {
		case v := <-out:
			res = append(res, v)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return res, nil
}

// One producer, a consumer with a timeout (through a timer and a done variable).
func stream(n int, stop <-chan struct{}) []int {
	ch := make(chan int)
	go func() {
		for i := 0; i < n; i++ {
			ch <- i // want "GR202"
		}
		close(ch)
	}()
	t := time.NewTimer(time.Second)
	defer t.Stop()
	var got []int
	for {
		select {
		case v, ok := <-ch:
			if !ok {
				return got
			}
			got = append(got, v)
		case <-t.C:
			return got
		case <-stop:
			return got
		}
	}
}

// Not a leak: the other case is a local channel closed once every sender is done.
func collect(ids []int) []int {
	out := make(chan int)
	done := make(chan struct{})
	finished := make(chan struct{}, len(ids))
	for _, id := range ids {
		go func(id int) {
			out <- double(id)
			finished <- struct{}{}
		}(id)
	}
	go func() {
		for range ids {
			<-finished
		}
		close(done)
	}()
	var res []int
	for {
		select {
		case v := <-out:
			res = append(res, v)
		case <-done:
			return res
		}
	}
}

// Not a leak: the timeout case only logs and keeps receiving.
func patient(ids []int, logf func(string)) []int {
	out := make(chan int)
	for _, id := range ids {
		go func(id int) { out <- double(id) }(id)
	}
	var res []int
	for range ids {
		select {
		case v := <-out:
			res = append(res, v)
		case <-time.After(time.Second):
			logf("slow")
			res = append(res, <-out)
		}
	}
	return res
}
