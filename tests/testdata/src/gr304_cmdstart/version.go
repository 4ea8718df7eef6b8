package version

import (
	"bufio"
	"errors"
	"os/exec"
)

// FirstLine runs a tool and returns the first line it prints.
func FirstLine(tool string, args ...string) (string, error) {
	c := exec.Command(tool, args...)
	stdout, err := c.StdoutPipe()
	if err != nil {
		return "", err
	}
	if err := c.Start(); err != nil { // want "GR304"
		return "", err
	}
	r := bufio.NewReader(stdout)
	line, err := r.ReadString('\n')
	if err == nil {
		return line, nil
	}
	if err := c.Wait(); err != nil {
		return "", err
	}
	return "", errors.New("no output")
}
