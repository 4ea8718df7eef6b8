package version

import (
	"bufio"
	"errors"
	"io"
	"os/exec"
)

// FirstLine runs a tool and returns the first line it prints.
func FirstLine(tool string, args ...string) (string, error) {
	c := exec.Command(tool, args...)
	stdout, err := c.StdoutPipe()
	if err != nil {
		return "", err
	}
	if err := c.Start(); err != nil {
		return "", err
	}
	r := bufio.NewReader(stdout)
	line, rerr := r.ReadString('\n')
	_, _ = io.Copy(io.Discard, stdout)
	if err := c.Wait(); err != nil {
		return "", err
	}
	if rerr != nil {
		return "", errors.New("no output")
	}
	return line, nil
}

// Spawn hands the started command to its caller, who waits for it.
func Spawn(tool string) (*exec.Cmd, error) {
	c := exec.Command(tool)
	if err := c.Start(); err != nil {
		return nil, err
	}
	return c, nil
}

// Daemon starts a helper meant to outlive this call.
func Daemon(tool string) error {
	c := exec.Command(tool)
	return c.Start()
}
