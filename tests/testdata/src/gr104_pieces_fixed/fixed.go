package pieces

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"strings"
)

var hostsByIP = map[string]string{}

func loadHosts(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		hostsByIP[strings.Clone(f[0])] = strings.Clone(f[1])
	}
	return nil
}

var comments []string

func keepComments(r io.Reader) {
	body, err := io.ReadAll(r)
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, "#") {
			comments = append(comments, strings.Clone(line))
		}
	}
}

// Counting lines keeps nothing.
var lineCount = map[string]int{}

func countLines(name string, r io.Reader) {
	body, _ := io.ReadAll(r)
	for range strings.Split(string(body), "\n") {
		lineCount[name]++
	}
}

type Frame struct {
	Tag []byte
	Len int
}

type Decoder struct {
	br   *bufio.Reader
	last *Frame
	rest []byte
	tok  []byte
	sc   *bufio.Scanner
}

func (d *Decoder) Decode() error {
	buf := make([]byte, 64<<10)
	n, err := d.br.Read(buf)
	if err != nil {
		return err
	}
	d.last = &Frame{Tag: bytes.Clone(buf[:4]), Len: n}
	return nil
}

// Keeping a piece of the caller's buffer is how parsers work: the caller owns it.
func (d *Decoder) Reset(data []byte) {
	d.rest = data[4:]
}

// A scanner-backed token kept until the next Scan: the reader's window, by design.
func (d *Decoder) Next() bool {
	if !d.sc.Scan() {
		return false
	}
	d.tok = d.sc.Bytes()
	return true
}

// A value receiver: the store is lost when the method returns.
type view struct {
	head []byte
}

func (v view) peek(r io.Reader) []byte {
	buf := make([]byte, 64<<10)
	n, _ := r.Read(buf)
	v.head = buf[:n]
	return v.head
}

type TitleCache struct {
	titles map[string]string
}

func (c *TitleCache) Learn(url string, r io.Reader) {
	body, err := io.ReadAll(r)
	if err != nil {
		return
	}
	page := string(body)
	i, j := strings.Index(page, "<h1>"), strings.Index(page, "</h1>")
	if i < 0 || j < i {
		return
	}
	c.titles[url] = strings.Clone(page[i+4 : j])
}

// The whole file is kept anyway: the header piece pins nothing more.
type Archive struct {
	data   []byte
	header []byte
}

func (a *Archive) Load(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	a.data = data
	a.header = data[:16]
	return nil
}
