package pieces

import (
	"bufio"
	"io"
	"os"
	"strings"
)

// Fields of each line of a whole file, through the range variable.
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
		hostsByIP[f[0]] = f[1] // want "GR104"
	}
	return nil
}

// The range variable itself is kept.
var comments []string

func keepComments(r io.Reader) {
	body, err := io.ReadAll(r)
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, "#") {
			comments = append(comments, line) // want "GR104"
		}
	}
}

// A split of a split, through a local slice.
var env = map[string]string{}

func parseEnv(r io.Reader) {
	raw, _ := io.ReadAll(r)
	lines := strings.Split(string(raw), "\n")
	for _, l := range lines {
		kv := strings.SplitN(l, "=", 2)
		if len(kv) == 2 {
			env[kv[0]] = kv[1] // want "GR104"
		}
	}
}

// A receiver field set through a composite literal: the frame keeps the 64 KiB buffer.
type Frame struct {
	Tag []byte
	Len int
}

type Decoder struct {
	br   *bufio.Reader
	last *Frame
}

func (d *Decoder) Decode() error {
	buf := make([]byte, 64<<10)
	n, err := d.br.Read(buf)
	if err != nil {
		return err
	}
	d.last = &Frame{Tag: buf[:4], Len: n} // want "GR104"
	return nil
}

// A receiver's map keeps a substring of a whole page.
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
	h := page[i+4 : j]
	c.titles[url] = h // want "GR104"
}
