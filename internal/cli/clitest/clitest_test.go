package clitest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"  a   b ", []string{"a", "b"}},
		{`--description 'two words' -d "x y" --name=''`, []string{"--description", "two words", "-d", "x y", "--name="}},
		{`'' x`, []string{"", "x"}},
		{`^repo:a/b:.+$`, []string{"^repo:a/b:.+$"}},
	}
	for _, tt := range tests {
		if got := Split(tt.in); !cmp.Equal(got, tt.want) {
			t.Errorf("Split(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
