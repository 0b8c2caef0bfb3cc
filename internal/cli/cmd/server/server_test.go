package server

import (
	"slices"
	"testing"

	"latch.dev/latch/internal/cli/clitest"
)

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
			got, err := clitest.Parse(t, newCmdServer, tc.args)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Config.KeyEncryptionKeyFiles, tc.want) {
				t.Errorf("key-encryption key files %q, want %q", got.Config.KeyEncryptionKeyFiles, tc.want)
			}
		})
	}
}
