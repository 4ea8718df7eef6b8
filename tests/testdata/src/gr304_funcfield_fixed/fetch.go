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
	resp, err := f.send(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, errors.New(resp.Status)
	}
	return io.ReadAll(resp.Body)
}

// Open returns the body: the caller closes it.
func (f *Fetcher) Open(req *http.Request) (io.ReadCloser, error) {
	resp, err := f.send(req)
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}
