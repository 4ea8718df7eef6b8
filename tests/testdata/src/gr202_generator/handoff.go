package generator

import (
	"errors"
	"os"
	"path/filepath"
)

func produce(out chan<- int, xs []int) {
	for _, x := range xs {
		out <- x
	}
	close(out)
}

// The producer is a named function started with go: the finding points at its start.
func ints(xs []int) <-chan int {
	out := make(chan int)
	go produce(out, xs) // want "GR202"
	return out
}

func contains(xs []int, want int) bool {
	for v := range ints(xs) {
		if v == want {
			return true
		}
	}
	return false
}

// The send sits in a walk callback, which runs once per file.
func walkFiles(root string) (<-chan string, <-chan error) {
	paths := make(chan string)
	errc := make(chan error, 1)
	go func() {
		defer close(paths)
		errc <- filepath.Walk(root, func(path string, info os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			paths <- path // want "GR202"
			return nil
		})
	}()
	return paths, errc
}

func firstLong(root string) (string, error) {
	paths, errc := walkFiles(root)
	for p := range paths {
		if len(p) > 10 {
			return p, nil
		}
	}
	if err := <-errc; err != nil {
		return "", err
	}
	return "", errors.New("none")
}

// Fixed: the walk gives up when the caller closes done.
func walkFilesDone(done <-chan struct{}, root string) (<-chan string, <-chan error) {
	paths := make(chan string)
	errc := make(chan error, 1)
	go func() {
		defer close(paths)
		errc <- filepath.Walk(root, func(path string, info os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			select {
			case paths <- path:
			case <-done:
				return errors.New("walk canceled")
			}
			return nil
		})
	}()
	return paths, errc
}

func firstLongDone(root string) (string, error) {
	done := make(chan struct{})
	defer close(done)
	paths, errc := walkFilesDone(done, root)
	for p := range paths {
		if len(p) > 10 {
			return p, nil
		}
	}
	if err := <-errc; err != nil {
		return "", err
	}
	return "", errors.New("none")
}
