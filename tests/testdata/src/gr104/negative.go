package gr104

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"strings"
)

var copies = map[string][]byte{}

// Copies: bytes.Clone, strings.Clone, string conversion, append to nil, copy.
func cloneToken(name string, r io.Reader) {
	body, _ := io.ReadAll(r)
	copies[name] = bytes.Clone(body[:16])
	copies[name+"2"] = append([]byte(nil), body[:16]...)
	dst := make([]byte, 16)
	copy(dst, body[:16])
	copies[name+"3"] = dst
}

var names = map[string]bool{}

func convert(data []byte) {
	names[string(data[:8])] = true
	s := string(data)
	names[strings.Clone(s[:8])] = true
}

// Stored in a local only.
func local(data []byte) int {
	head := data[:4]
	return len(head)
}

// Returned to the caller: the caller decides.
func header(data []byte) []byte {
	return data[:4]
}

// A small fixed buffer is not big.
var small []byte

func readSmall(r io.Reader) {
	b := make([]byte, 16)
	n, _ := r.Read(b)
	small = b[:n]
}

// An unknown parameter not named like a buffer.
var lastKey string

func setKey(key string) {
	lastKey = key[1:]
}

// The whole slice (b[:]) is not a piece.
var whole []byte

func keepWhole(buf []byte) {
	whole = buf[:]
}

// Scanner text copies.
var texts []string

func readTexts(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		texts = append(texts, sc.Text())
	}
}

// Reassigned to a copy before storing.
var kept []byte

func keepCopy(data []byte) {
	piece := data[2:6]
	piece = bytes.Clone(piece)
	kept = piece
}

// A pipeline of pieces of a reused buffer: the channel is not retention.
func pump(r io.Reader, out chan<- []byte) {
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		if err != nil {
			return
		}
		out <- buf[:n]
	}
}

// Initialisation-time store.
var magic []byte

func init() {
	data, _ := os.ReadFile("/etc/magic")
	magic = data[:4]
}

// Held only while the function runs: released before it returns.
type writer struct{ out []byte }

var w = &writer{}

func render(buf []byte) int {
	w.out = buf[2:10]
	n := len(w.out)
	w.out = nil
	return n
}

// The whole buffer with zero length, reused to write into.
var scratchOut []byte

func useScratch(buf []byte) {
	scratchOut = buf[:0]
}

var firstCopies = map[string]string{}

func rememberFirstLineCopy(name string, r io.Reader) error {
	body, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	lines := strings.Split(string(body), "\n")
	firstCopies[name] = strings.Clone(lines[0])
	fields := strings.Fields(name)
	firstCopies[name+"/"] = fields[0] // name is not a buffer
	return nil
}
