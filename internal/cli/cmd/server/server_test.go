package server

import (
	"context"
	"slices"
	"testing"

	"latch.dev/latch/internal/cli/clitest"
	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/config"
	"latch.dev/latch/internal/cli/iostreams"
)

// parse runs `latch server argv` up to the point where it would start,
// and returns the options it would start with.
func parse(t *testing.T, argv string) (*Options, error) {
	t.Helper()
	ios, _, _, _ := iostreams.Test()
	var got *Options
	cmd := newCmdServer(&cmdutil.Factory{IOStreams: ios, Flags: &config.Flags{}}, func(_ context.Context, o *Options) error {
		got = o
		return nil
	})
	return got, clitest.ParseArgs(t, cmd, argv)
}

func TestKeyEncryptionKeyFilesKeepTheirOrder(t *testing.T) {
	for _, tc := range []struct {
		name, args, env string
		want            []string
	}{
		{name: "none", args: "", want: nil},
		{name: "one", args: "--key-encryption-key-file /k/a", want: []string{"/k/a"}},
		{name: "the new key first while changing", args: "--key-encryption-key-file /k/new --key-encryption-key-file /k/old", want: []string{"/k/new", "/k/old"}},
		{name: "from the environment", env: "/k/new,/k/old", want: []string{"/k/new", "/k/old"}},
		{name: "the flag over the environment", args: "--key-encryption-key-file /k/a", env: "/k/b", want: []string{"/k/a"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("LATCH_KEY_ENCRYPTION_KEY_FILE", tc.env)
			got, err := parse(t, tc.args)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Config.KeyEncryptionKeyFiles, tc.want) {
				t.Errorf("key-encryption key files %q, want %q", got.Config.KeyEncryptionKeyFiles, tc.want)
			}
		})
	}
}
