// rusage runs one command and prints, as one JSON line on stdout, what the kernel accounted
// to it when it was reaped (wait4): wall time from fork to reap, user and system CPU, and
// peak resident set size. The command's stdout goes to /dev/null; its stderr is kept and
// returned (its tail) so a failed run can say why. The same wrapper measures both adapters,
// so what it costs itself (one fork/exec, a few hundred microseconds) falls on both sides.
//
//	rusage <command> [args...]
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

type result struct {
	Exit      int     `json:"exit"`
	WallMs    float64 `json:"wallMs"`
	UserMs    float64 `json:"userMs"`
	SysMs     float64 `json:"sysMs"`
	MaxRssKiB int64   `json:"maxRssKiB"`
	Stderr    string  `json:"stderr"`
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: rusage <command> [args...]")
		os.Exit(2)
	}
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var stderr strings.Builder
	cmd.Stdout = devnull
	cmd.Stderr = &stderr
	started := time.Now()
	err = cmd.Run()
	wall := time.Since(started)
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	state := cmd.ProcessState
	usage, ok := state.SysUsage().(*syscall.Rusage)
	if !ok {
		fmt.Fprintln(os.Stderr, "no rusage on this platform")
		os.Exit(2)
	}
	tail := stderr.String()
	if len(tail) > 2000 {
		tail = tail[len(tail)-2000:]
	}
	out, _ := json.Marshal(result{
		Exit:      state.ExitCode(),
		WallMs:    float64(wall.Microseconds()) / 1000,
		UserMs:    float64(usage.Utime.Nano()) / 1e6,
		SysMs:     float64(usage.Stime.Nano()) / 1e6,
		MaxRssKiB: usage.Maxrss, // Linux reports KiB
		Stderr:    tail,
	})
	fmt.Println(string(out))
}
