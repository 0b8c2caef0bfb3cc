package shared

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"latch.dev/latch/internal/cli/clitest"
)

func TestParseClaims(t *testing.T) {
	tests := []struct {
		name    string
		uses    []string
		want    map[string]string
		wantErr bool
	}{
		{name: "chainctl's comma list", uses: []string{"repository:^a/b$,ref:^refs/heads/main$"}, want: map[string]string{"repository": "^a/b$", "ref": "^refs/heads/main$"}},
		{name: "repeated uses add up", uses: []string{"a:1", "b:2"}, want: map[string]string{"a": "1", "b": "2"}},
		{name: "commas inside a pattern stay", uses: []string{"ref:^a{1,3}$,env:(x|y),z"}, want: map[string]string{"ref": "^a{1,3}$", "env": "(x|y),z"}},
		{name: "a value may hold colons", uses: []string{"sub:repo:a/b:ref:refs/heads/main"}, want: map[string]string{"sub": "repo:a/b:ref:refs/heads/main"}},
		{name: "a JSON Pointer name keeps its URL scheme", uses: []string{"/https:~1~1sts.amazonaws.com~1/aws_account:123456789012"}, want: map[string]string{"/https:~1~1sts.amazonaws.com~1/aws_account": "123456789012"}},
		{name: "an empty value is allowed", uses: []string{"a:"}, want: map[string]string{"a": ""}},
		{name: "no colon", uses: []string{"repository"}, wantErr: true},
		{name: "no name", uses: []string{":x"}, wantErr: true},
		{name: "a claim twice", uses: []string{"a:1", "a:2"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseClaims("claim", tt.uses)
			if tt.wantErr {
				if !clitest.IsUsageError(err) {
					t.Fatalf("err = %v, want a usage error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("claims (-want +got):\n%s", diff)
			}
		})
	}
}
