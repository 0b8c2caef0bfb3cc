package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"latch.dev/latch/internal/testutil/latchproc"
)

// need builds latch and finds each tool, returning their paths by name.
// A missing tool skips the test, or fails it when LATCH_REQUIRE_E2E=1.
func need(t *testing.T, tools ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, tool := range tools {
		p, err := lookTool(tool)
		if err != nil {
			if os.Getenv("LATCH_REQUIRE_E2E") == "1" {
				t.Fatalf("%s is required (LATCH_REQUIRE_E2E=1): %v", tool, err)
			}
			t.Skipf("%s is not installed (%v); scripts/test.sh installs what it can", tool, err)
		}
		out[tool] = p
	}
	bin, err := latchproc.Build(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	out["latch"] = bin
	return out
}

// lookTool finds a tool on PATH or, for Go tools, in GOPATH/bin.
func lookTool(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	if gopath, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		p := filepath.Join(strings.TrimSpace(string(gopath)), "bin", name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found on PATH or in GOPATH/bin", name)
}
