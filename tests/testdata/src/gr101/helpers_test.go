package gr101

import "testing"

// Maps declared in test files live only as long as the test binary.
var testSeen = map[*Conn]bool{}

func TestTrack(t *testing.T) {
	c := &Conn{}
	testSeen[c] = true
	Track(c)
}
