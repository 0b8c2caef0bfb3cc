package clitest_test

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"latch.dev/latch/internal/cli"
	"latch.dev/latch/internal/cli/clitest"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"latch": func() { os.Exit(cli.Main()) },
	})
}

// TestScripts runs the scripts that need no server: usage, help, exit
// codes, configuration and the token cache.
func TestScripts(t *testing.T) {
	testscript.Run(t, clitest.Params("testdata/script"))
}
