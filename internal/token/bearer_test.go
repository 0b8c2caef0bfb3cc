package token_test

import (
	"net/http"
	"strings"
	"testing"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/token"
)

func TestBearerToken(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", token.MaxBearerBytes)
	tests := []struct {
		name    string
		headers []string // values of Authorization, in order
		want    string
		wantMsg string // part of the message when it fails
	}{
		{"a JWT is returned", []string{"Bearer eyJ.eyJ.sig"}, "eyJ.eyJ.sig", ""},
		{"the scheme may be in any case", []string{"bEaReR abc"}, "abc", ""},
		{"several spaces after the scheme are allowed", []string{"Bearer   abc"}, "abc", ""},
		{"standard base64 with padding is a token68", []string{"Bearer ab+/cd=="}, "ab+/cd==", ""},
		{"a token of the largest size is accepted", []string{"Bearer " + long}, long, ""},
		{"no header is refused", nil, "", "no Authorization header"},
		{"two headers are refused", []string{"Bearer a", "Bearer b"}, "", "2 Authorization headers"},
		{"Basic credentials are refused", []string{"Basic dXNlcjpwYXNz"}, "", "not a Bearer credential"},
		{"a bare scheme is refused", []string{"Bearer"}, "", "not a Bearer credential"},
		{"an empty token is refused", []string{"Bearer "}, "", "empty Bearer token"},
		{"a token with a space inside is refused", []string{"Bearer abc def"}, "", "not allowed (byte 3)"},
		{"a comma-joined pair of tokens is refused", []string{"Bearer abc,Bearer def"}, "", "not allowed"},
		{"padding in the middle is refused", []string{"Bearer ab=cd"}, "", "not allowed (byte 3)"},
		{"a token of only padding is refused", []string{"Bearer =="}, "", "not allowed (byte 0)"},
		{"a tab after the scheme is refused", []string{"Bearer\tabc"}, "", "not a Bearer credential"},
		{"a token over the size cap is refused", []string{"Bearer " + long + "a"}, "", "longer than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			for _, v := range tt.headers {
				h.Add("Authorization", v)
			}
			got, err := token.BearerToken(h)
			if tt.wantMsg == "" {
				if err != nil || got != tt.want {
					t.Fatalf("BearerToken = %.40q, %v; want %.40q", got, err, tt.want)
				}
				return
			}
			if !errs.Is(err, errs.Unauthenticated) || !strings.Contains(errs.Message(err), tt.wantMsg) {
				t.Fatalf("BearerToken error = %v, want unauthenticated with %q", err, tt.wantMsg)
			}
		})
	}
}
