// Package oneperchan: two sends of one goroutine block for the same reason: one finding,
// at the first send, with the other send and the make as related locations.
package oneperchan

import (
	"context"
	"fmt"
)

type Check interface {
	Name() string
	Run(ctx context.Context) error
}

func RunAll(ctx context.Context, checks []Check) error {
	errc := make(chan error)
	for _, c := range checks {
		go func() {
			if err := c.Run(ctx); err != nil {
				errc <- fmt.Errorf("%s: %w", c.Name(), err) // want "GR202"
				return
			}
			errc <- nil
		}()
	}
	for i := 0; i < len(checks); i++ {
		if err := <-errc; err != nil {
			return err
		}
	}
	return nil
}
