// Package ctxgen: consumers that cancel the ctx they pass, or leave only when it ends.
package ctxgen

import (
	"bufio"
	"context"
	"os"
	"strings"
)

type Item struct {
	Key, Value string
}

func Read(ctx context.Context, path string) (<-chan Item, <-chan error) {
	items := make(chan Item)
	errc := make(chan error, 1)
	go func() {
		defer close(items)
		f, err := os.Open(path)
		if err != nil {
			errc <- err
			return
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			k, v, ok := strings.Cut(sc.Text(), "=")
			if !ok {
				continue
			}
			select {
			case items <- Item{k, v}:
			case <-ctx.Done():
				errc <- ctx.Err()
				return
			}
		}
		errc <- sc.Err()
	}()
	return items, errc
}

func Load(ctx context.Context, path string) (map[string]string, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	items, errc := Read(ctx, path)
	out := map[string]string{}
	for it := range items {
		if it.Key == "" {
			return nil, os.ErrInvalid
		}
		out[it.Key] = it.Value
	}
	return out, <-errc
}

// Leaves early only when the ctx has ended: the producer gives up as well.
func Collect(ctx context.Context, path string) []Item {
	items, _ := Read(ctx, path)
	var out []Item
	for it := range items {
		if ctx.Err() != nil {
			return out
		}
		out = append(out, it)
	}
	return out
}

// Drains everything.
func Count(ctx context.Context, path string) int {
	items, _ := Read(ctx, path)
	n := 0
	for range items {
		n++
	}
	return n
}

type result struct {
	n   int
	err error
}

// The producer's error is its last value: a consumer that stops on it leaves nothing behind.
func sizes(ctx context.Context, paths []string) <-chan result {
	out := make(chan result)
	go func() {
		defer close(out)
		for _, p := range paths {
			st, err := os.Stat(p)
			if err != nil {
				select {
				case out <- result{err: err}:
				case <-ctx.Done():
					return
				}
				return
			}
			select {
			case out <- result{n: int(st.Size())}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

func Total(ctx context.Context, paths []string) (int, error) {
	sum := 0
	for r := range sizes(ctx, paths) {
		if r.err != nil {
			return 0, r.err
		}
		sum += r.n
	}
	return sum, nil
}
