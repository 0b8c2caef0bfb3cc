// Package iostreams gives commands their standard streams together with
// what is known about them (is this a terminal, may we use colour), so that
// no command looks at os.Stdout directly and tests can pretend to be a
// terminal.
package iostreams

import (
	"bytes"
	"io"
	"os"

	"github.com/mattn/go-isatty"
)

// IOStreams are the streams a command reads and writes, and their nature.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY  bool
	stdoutTTY bool
	stderrTTY bool
	color     bool
}

// System returns the process's streams. Standard output counts as a
// terminal when it is one or when LATCH_FORCE_TTY is set (so scripted tests
// can check what people see). Colour needs a terminal, a TERM other than
// "dumb" and no NO_COLOR (https://no-color.org).
func System() *IOStreams {
	s := &IOStreams{
		In:        os.Stdin,
		Out:       os.Stdout,
		ErrOut:    os.Stderr,
		stdinTTY:  isTerminal(os.Stdin),
		stdoutTTY: isTerminal(os.Stdout),
		stderrTTY: isTerminal(os.Stderr),
	}
	if os.Getenv("LATCH_FORCE_TTY") != "" {
		s.stdoutTTY = true
	}
	s.color = s.stdoutTTY && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb" && isTerminal(os.Stdout)
	return s
}

func isTerminal(f *os.File) bool {
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

// Test returns streams backed by buffers (standard input, output, error),
// none of them a terminal and without colour until the Set methods say so.
func Test() (*IOStreams, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	in, out, errOut := &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

// IsStdinTTY reports whether standard input is a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// IsStdoutTTY reports whether standard output is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether standard error is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// SetStdinTTY overrides terminal detection for standard input.
func (s *IOStreams) SetStdinTTY(v bool) { s.stdinTTY = v }

// SetStdoutTTY overrides terminal detection for standard output.
func (s *IOStreams) SetStdoutTTY(v bool) { s.stdoutTTY = v }

// SetStderrTTY overrides terminal detection for standard error.
func (s *IOStreams) SetStderrTTY(v bool) { s.stderrTTY = v }

// ColorEnabled reports whether output may contain ANSI colour codes.
func (s *IOStreams) ColorEnabled() bool { return s.color }

// SetColorEnabled turns colour on or off.
func (s *IOStreams) SetColorEnabled(v bool) { s.color = v }

// CanPrompt reports whether a question can be asked and answered: both
// standard input and standard output must be terminals.
func (s *IOStreams) CanPrompt() bool { return s.stdinTTY && s.stdoutTTY }

// Bold returns text in bold when colour is enabled.
func (s *IOStreams) Bold(text string) string {
	return s.paint("1", text)
}

// Green returns text in green when colour is enabled; commands use it for
// a good outcome (a principal that would be accepted).
func (s *IOStreams) Green(text string) string { return s.paint("32", text) }

// Red returns text in red when colour is enabled; commands use it for a
// bad outcome (a principal that would be refused).
func (s *IOStreams) Red(text string) string { return s.paint("31", text) }

func (s *IOStreams) paint(code, text string) string {
	if !s.color {
		return text
	}
	return "\x1b[" + code + "m" + text + "\x1b[0m"
}
