package iostreams

import "testing"

func TestTestStreams(t *testing.T) {
	ios, in, out, errOut := Test()
	if ios.IsStdinTTY() || ios.IsStdoutTTY() || ios.IsStderrTTY() || ios.ColorEnabled() || ios.CanPrompt() {
		t.Error("test streams start as non-terminals without colour")
	}
	in.WriteString("x")
	ios.Out.Write([]byte("o"))
	ios.ErrOut.Write([]byte("e"))
	if out.String() != "o" || errOut.String() != "e" {
		t.Error("writes do not reach the buffers")
	}
	if ios.Bold("h") != "h" {
		t.Error("bold without colour must be plain")
	}
	ios.SetStdinTTY(true)
	ios.SetStdoutTTY(true)
	ios.SetColorEnabled(true)
	if !ios.CanPrompt() || ios.Bold("h") != "\x1b[1mh\x1b[0m" {
		t.Error("setters have no effect")
	}
}

func TestColours(t *testing.T) {
	ios, _, _, _ := Test()
	if ios.Green("ok") != "ok" || ios.Red("no") != "no" || ios.Bold("b") != "b" {
		t.Error("without colour, text must stay plain")
	}
	ios.SetColorEnabled(true)
	if ios.Green("ok") != "\x1b[32mok\x1b[0m" || ios.Red("no") != "\x1b[31mno\x1b[0m" || ios.Bold("b") != "\x1b[1mb\x1b[0m" {
		t.Errorf("colours: %q %q %q", ios.Green("ok"), ios.Red("no"), ios.Bold("b"))
	}
}
