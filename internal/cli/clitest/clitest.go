// Package clitest helps test the CLI: running a command's argument
// parsing in isolation, and running testscript (.txtar) scripts that call
// `latch` in a private home directory.
//
// A script test package wires it up in a few lines:
//
//	func TestMain(m *testing.M) {
//		testscript.Main(m, map[string]func(){"latch": func() { os.Exit(cli.Main()) }})
//	}
//
//	func TestScripts(t *testing.T) {
//		testscript.Run(t, clitest.Params("testdata/script", startServer))
//	}
//
// (clitest itself does not import the cli package, so that command tests
// can use ParseArgs without an import cycle), where startServer, a Setup function, may start an in-process server and
// set LATCH_URL.
package clitest

import (
	"errors"
	"io"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/spf13/cobra"
)

// ParseArgs runs cmd with argv (split on spaces) and returns its error.
// Commands built with a runF that records its options test argument
// parsing this way without running anything. Output goes nowhere.
func ParseArgs(t testing.TB, cmd *cobra.Command, argv string) error {
	t.Helper()
	cmd.SetArgs(strings.Fields(argv))
	cmd.SetIn(strings.NewReader(""))
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	_, err := cmd.ExecuteC()
	return err
}

// Params returns testscript parameters for the scripts in dir. Each script
// runs with HOME and the XDG directories inside its work directory, so no
// script sees the user's config or tokens, then with setup's changes.
func Params(dir string, setup ...func(*testscript.Env) error) testscript.Params {
	return testscript.Params{
		Dir:                 dir,
		RequireExplicitExec: true,
		Cmds:                map[string]func(*testscript.TestScript, bool, []string){"exitcode": exitCode},
		Setup: func(env *testscript.Env) error {
			home := filepath.Join(env.WorkDir, "home")
			env.Setenv("HOME", home)
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
			env.Setenv("XDG_CACHE_HOME", filepath.Join(home, ".cache"))
			env.Setenv("NO_COLOR", "1")
			for _, s := range setup {
				if err := s(env); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// exitCode is the script command `exitcode N prog args...`: it runs prog
// like exec and fails unless it exits with N, so scripts can check the
// CLI's exit-code contract (2 usage, 4 auth, 5 not found, 6 conflict).
func exitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N program [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: %q is not a number", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exitcode: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", args[1], got, want)
	}
}
