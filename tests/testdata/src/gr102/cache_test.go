package gr102

import (
	"sync"
	"testing"
)

// Declared in a test file: lives as long as the test binary.
var testConns sync.Map

func TestTrack(t *testing.T) {
	c := &Conn{}
	testConns.Store(c, true)
	Track(c)
}
