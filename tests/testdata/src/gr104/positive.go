package gr104

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"os"
	"strings"
)

var tokens = map[string][]byte{}

// A piece of a whole request body kept in a package-level map.
func rememberToken(name string, r io.Reader) error {
	body, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	tokens[name] = body[:16] // want "GR104"
	return nil
}

// A substring of a whole file kept as a map key.
var seenHeaders = map[string]bool{}

func loadHeader(path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	text := string(raw)
	seenHeaders[text[:64]] = true // want "GR104"
	return nil
}

// Through a local, appended to a package-level slice inside a composite literal.
type Record struct {
	Key []byte
	N   int
}

var records []Record

func parse(data []byte) {
	key := bytes.TrimSpace(data[8:40])
	records = append(records, Record{Key: key, N: len(data)}) // want "GR104"
}

// A field of a long-lived struct.
type Cache struct {
	last []byte
}

var cache = &Cache{}

func (c *Cache) keep(payload []byte) {
	c.last = payload[4:12] // want "GR104"
}

// Scanner.Bytes is overwritten by the next Scan.
var lines [][]byte

func readLines(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		lines = append(lines, sc.Bytes()) // want "GR104"
	}
}

// A large read buffer: the stored slice keeps all 64 KiB.
var greeting []byte

func readGreeting(c net.Conn) {
	buf := make([]byte, 64<<10)
	n, _ := c.Read(buf)
	greeting = buf[:n] // want "GR104"
}

// Trim of a body string into a package var.
var lastName string

func setName(body string) {
	lastName = strings.TrimPrefix(body, "name=") // want "GR104"
}

// A whole file's piece sent to a channel.
var results = make(chan []byte, 16)

func publish(path string) {
	data, _ := os.ReadFile(path)
	results <- data[:10] // want "GR104"
}

var firstLines = map[string]string{}

// Every element of strings.Split shares the bytes of the string it splits.
func rememberFirstLine(name string, r io.Reader) error {
	body, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	lines := strings.Split(string(body), "\n")
	firstLines[name] = lines[0] // want "GR104"
	return nil
}
