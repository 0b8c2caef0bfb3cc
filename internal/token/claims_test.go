package token_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/token"
)

func TestClaimsJSON(t *testing.T) {
	t.Parallel()
	full := token.Claims{
		Issuer:    issuer,
		Subject:   subject,
		Audience:  []string{audience, "cgr.dev"},
		IssuedAt:  t0,
		NotBefore: t0,
		Expiry:    t0.Add(time.Hour),
		ID:        "abc",
		Actor: &token.Actor{
			Issuer:   "https://token.actions.githubusercontent.com",
			Subject:  "repo:acme/app:ref:refs/heads/main",
			Audience: []string{"https://latch.example.com"},
			Extra:    map[string]any{"repository_id": json.Number("42"), "ref": "refs/heads/main"},
		},
		Capabilities: []iam.Capability{iam.CapGroupsList},
		Scopes:       []string{group},
		Email:        "dev@example.com",
		Kind:         token.KindClaimMatch,
	}
	tests := []struct {
		name string
		in   string
		want token.Claims
	}{
		{
			name: "a single audience string is read as a list",
			in:   `{"iss":"https://latch.example.com","aud":"x","exp":1772370000}`,
			want: token.Claims{Issuer: issuer, Audience: []string{"x"}, Expiry: time.Unix(1772370000, 0).UTC()},
		},
		{
			name: "decimal times lose their fraction",
			in:   `{"iat":1772366400.75}`,
			want: token.Claims{IssuedAt: time.Unix(1772366400, 0).UTC()},
		},
		{
			name: "an AWS actor keeps its account and user ID",
			in:   `{"act":{"iss":"https://sts.amazonaws.com","sub":"arn:aws:iam::123456789012:user/ci","aws_account":"123456789012","aws_user_id":"AIDAEXAMPLE"}}`,
			want: token.Claims{Actor: &token.Actor{
				Issuer: "https://sts.amazonaws.com", Subject: "arn:aws:iam::123456789012:user/ci",
				AWSAccount: "123456789012", AWSUserID: "AIDAEXAMPLE",
			}},
		},
	}
	t.Run("every claim survives a round trip", func(t *testing.T) {
		t.Parallel()
		b, err := json.Marshal(full)
		if err != nil {
			t.Fatal(err)
		}
		var got token.Claims
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(full, got); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
		for _, want := range []string{`"aud":["https://latch.example.com","cgr.dev"]`, `"caps":["groups.list"]`, `"kind":"claim_match"`, `"repository_id":42`} {
			if !strings.Contains(string(b), want) {
				t.Errorf("JSON %s lacks %s", b, want)
			}
		}
	})
	t.Run("one audience is still written as a list", func(t *testing.T) {
		t.Parallel()
		b, _ := json.Marshal(token.Claims{Audience: []string{"x"}})
		if string(b) != `{"aud":["x"]}` {
			t.Errorf("JSON = %s", b)
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got token.Claims
			if err := json.Unmarshal([]byte(tt.in), &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("decode (-want +got):\n%s", diff)
			}
		})
	}
	for _, bad := range []struct{ name, in string }{
		{"a time written as a string is refused", `{"exp":"1772370000"}`},
		{"an audience that is a number is refused", `{"aud":42}`},
		{"an actor that is not an object is refused", `{"act":"aws"}`},
	} {
		t.Run(bad.name, func(t *testing.T) {
			t.Parallel()
			var got token.Claims
			if err := json.Unmarshal([]byte(bad.in), &got); err == nil {
				t.Errorf("decoded %s into %+v, want an error", bad.in, got)
			}
		})
	}
	t.Run("an actor extra named like a member is refused", func(t *testing.T) {
		t.Parallel()
		_, err := json.Marshal(token.Actor{Subject: "a", Extra: map[string]any{"sub": "b"}})
		if err == nil {
			t.Error("marshalled an actor whose extra overrides sub")
		}
	})
}
