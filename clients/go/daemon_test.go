package agentd_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

var daemonAddress string

// TestMain starts a real daemon (bin/agentd serve, embedded database in a temp dir) for every test in the package.
func TestMain(m *testing.M) {
	root, _ := filepath.Abs("../..")
	dataDir, _ := os.MkdirTemp("", "agentd-go-")
	cmd := exec.Command(filepath.Join(root, "bin/agentd"), "serve", "--port", "0",
		"--agents", filepath.Join(root, "examples/agents"), "--agents", filepath.Join(root, "test/fixtures/agents"))
	cmd.Env = append(os.Environ(), "AGENTD_DATA_DIR="+dataDir, "DATABASE_URL=", "AGENTD_LOG_LEVEL=warn")
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "cannot start agentd:", err)
		os.Exit(1)
	}
	listening := regexp.MustCompile(`agentd listening on (\S+)`)
	found := make(chan string, 1)
	go func() {
		scanner := bufio.NewScanner(stdout)
		for scanner.Scan() {
			if match := listening.FindStringSubmatch(scanner.Text()); match != nil {
				found <- match[1]
			}
		}
	}()
	select {
	case daemonAddress = <-found:
	case <-time.After(60 * time.Second):
		fmt.Fprintln(os.Stderr, "agentd did not start within 60 s")
		_ = cmd.Process.Kill()
		os.Exit(1)
	}
	code := m.Run()
	_ = cmd.Process.Signal(os.Interrupt)
	_ = cmd.Wait()
	_ = os.RemoveAll(dataDir)
	os.Exit(code)
}
