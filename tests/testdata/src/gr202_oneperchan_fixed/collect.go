// Package oneperchan: the buffer holds every result, so no sender blocks.
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
	errc := make(chan error, len(checks))
	for _, c := range checks {
		go func() {
			if err := c.Run(ctx); err != nil {
				errc <- fmt.Errorf("%s: %w", c.Name(), err)
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
