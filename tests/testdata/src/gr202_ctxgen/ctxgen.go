// Package ctxgen: the producer gives up on its ctx, but the consumer returns early without
// cancelling the ctx it passed.
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

// Passes its caller's ctx along and returns on a bad key: the producer waits for that ctx.
func Load(ctx context.Context, path string) (map[string]string, error) {
	items, errc := Read(ctx, path) // want "GR202"
	out := map[string]string{}
	for it := range items {
		if it.Key == "" {
			return nil, os.ErrInvalid
		}
		out[it.Key] = it.Value
	}
	return out, <-errc
}

// A background context is never cancelled at all.
func Has(path, key string) bool {
	items, _ := Read(context.Background(), path) // want "GR202"
	for it := range items {
		if it.Key == key {
			return true
		}
	}
	return false
}
