package version

import (
	"context"
	"testing"

	"latch.dev/latch/internal/cli/buildinfo"
	"latch.dev/latch/internal/cli/clitest"
	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/output"
)

func TestVersionRun(t *testing.T) {
	info := buildinfo.Info{Version: "v1.2.3", Commit: "0123456789abcdef0123", Modified: true, GoVersion: "go1.26.8"}
	tests := []struct {
		format output.Format
		want   string
	}{
		{want: "latch version v1.2.3 (commit 0123456789ab, modified, go1.26.8)\n"},
		{format: output.ID, want: "v1.2.3\n"},
		{format: output.JSON, want: "{\n  \"version\": \"v1.2.3\",\n  \"commit\": \"0123456789abcdef0123\",\n  \"modified\": true,\n  \"go_version\": \"go1.26.8\"\n}\n"},
	}
	for _, tt := range tests {
		ios, _, out, _ := iostreams.Test()
		err := versionRun(context.Background(), &Options{IO: ios, Build: func() buildinfo.Info { return info }, Format: tt.format})
		if err != nil {
			t.Fatal(err)
		}
		if out.String() != tt.want {
			t.Errorf("-o %q: output = %q, want %q", tt.format, out.String(), tt.want)
		}
	}
}

func TestNewCmdVersion(t *testing.T) {
	var got *Options
	cmd := NewCmdVersion(&cmdutil.Factory{}, func(_ context.Context, o *Options) error { got = o; return nil })
	if err := clitest.ParseArgs(t, cmd, "-ojson"); err != nil {
		t.Fatal(err)
	}
	if got.Format != output.JSON {
		t.Errorf("format = %q", got.Format)
	}
	if err := clitest.ParseArgs(t, NewCmdVersion(&cmdutil.Factory{}, nil), "extra"); err == nil {
		t.Error("an argument: want a usage error")
	}
}
