// Package clitest helps test the CLI: running a command's argument
// parsing in isolation (Parse, RunParseCases), and running testscript
// (.txtar) scripts that call `latch` in a private home directory.
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
// where startServer, a Setup function, may start an in-process server and
// set LATCH_URL. clitest itself does not import the cli package, so that
// command tests can use it without an import cycle.
//
// Scripts get two commands besides testscript's own: `exitcode N prog
// args...` checks an exit code, and `capture NAME` keeps the previous
// command's output in $NAME (ID=$(latch … -o id)).
package clitest

import (
	"context"
	"errors"
	"io"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/rogpeppe/go-internal/testscript"
	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/config"
	"latch.dev/latch/internal/cli/iostreams"
)

// ParseArgs runs cmd with argv (split as Split does) and returns its
// error. Commands built with a runF that records its options test
// argument parsing this way without running anything. Output goes
// nowhere.
func ParseArgs(t testing.TB, cmd *cobra.Command, argv string) error {
	t.Helper()
	cmd.SetArgs(Split(argv))
	cmd.SetIn(strings.NewReader(""))
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	_, err := cmd.ExecuteC()
	return err
}

// Parse builds a command with newCmd and a runF that records the options
// instead of running, parses argv, and returns the recorded options
// (nil when parsing failed) and the error. The options' dependencies
// (IO, Config, API, …) are the Factory's: a test IOStreams that is not a
// terminal, empty global flags, and nil funcs.
func Parse[O any](t testing.TB, newCmd func(*cmdutil.Factory, func(context.Context, *O) error) *cobra.Command, argv string) (*O, error) {
	t.Helper()
	ios, _, _, _ := iostreams.Test()
	var got *O
	cmd := newCmd(&cmdutil.Factory{IOStreams: ios, Flags: &config.Flags{}}, func(_ context.Context, o *O) error {
		got = o
		return nil
	})
	err := ParseArgs(t, cmd, argv)
	if err != nil {
		return nil, err
	}
	return got, nil
}

// ParseCase is one row of a TestNewCmdX table: the arguments, and the
// options they must give or that they are a usage error.
type ParseCase[O any] struct {
	Name    string
	Args    string
	Want    O
	WantErr bool
}

// RunParseCases runs each case through Parse as a subtest and compares
// the options with Want, leaving out the IOStreams, which Parse supplies.
func RunParseCases[O any](t *testing.T, newCmd func(*cmdutil.Factory, func(context.Context, *O) error) *cobra.Command, cases []ParseCase[O]) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.Name, func(t *testing.T) {
			got, err := Parse(t, newCmd, tt.Args)
			if tt.WantErr {
				if !IsUsageError(err) {
					t.Fatalf("%s: err = %v, want a usage error", tt.Args, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", tt.Args, err)
			}
			if diff := cmp.Diff(tt.Want, *got, cmpopts.IgnoreTypes(&iostreams.IOStreams{})); diff != "" {
				t.Errorf("%s: options (-want +got):\n%s", tt.Args, diff)
			}
		})
	}
}

// IsUsageError reports whether err is a usage mistake, which the CLI
// reports with the command's usage and exit code 2.
func IsUsageError(err error) bool {
	var fe *cmdutil.FlagError
	return errors.As(err, &fe)
}

// Split splits a command line on spaces, keeping text in single or
// double quotes together (without the quotes), so that a test can pass
// --description 'two words'.
func Split(argv string) []string {
	var (
		out   []string
		cur   strings.Builder
		quote rune
		in    bool
	)
	for _, r := range argv {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, in = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}

// Params returns testscript parameters for the scripts in dir. Each script
// runs with HOME and the XDG directories inside its work directory, so no
// script sees the user's config or tokens, then with setup's changes.
func Params(dir string, setup ...func(*testscript.Env) error) testscript.Params {
	return testscript.Params{
		Dir:                 dir,
		RequireExplicitExec: true,
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"exitcode": exitCode,
			"capture":  capture,
		},
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

// capture is the script command `capture NAME`: it sets $NAME to the
// standard output of the previous command, without surrounding space, so
// that a script can use an ID it just created (ID=$(latch … -o id)).
func capture(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: capture NAME")
	}
	ts.Setenv(args[0], strings.TrimSpace(ts.ReadFile("stdout")))
}
