package fetch

import (
	"errors"
	"io"
	"net/http"
)

type Fetcher struct {
	base string
	send func(*http.Request) (*http.Response, error)
}

func New(base string) *Fetcher {
	return &Fetcher{base: base, send: http.DefaultClient.Do}
}

func (f *Fetcher) Get(path string) ([]byte, error) {
	req, err := http.NewRequest("GET", f.base+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := f.send(req) // want "GR304"
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, errors.New(resp.Status)
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}
