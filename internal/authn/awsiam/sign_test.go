package awsiam

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

func TestSignBuildsTheChainguardShape(t *testing.T) {
	t.Parallel()
	creds := aws.Credentials{AccessKeyID: "ASIAEXAMPLEEXAMPLE01", SecretAccessKey: "secret", SessionToken: "token"}
	p, err := Sign(context.Background(), creds, "", "", testIdentity, testAudience, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(p, "+/") {
		t.Errorf("proof %q is not URL-safe base64", p)
	}
	raw, err := base64.URLEncoding.DecodeString(p)
	if err != nil {
		t.Fatalf("proof is not padded URL-safe base64: %v", err)
	}
	req, err := parseRequest(raw, Limits{}.withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	if req.method != "POST" || req.target != "/?"+gciQuery || req.proto != "HTTP/1.1" || len(req.body) != 0 {
		t.Errorf("request line %s %s %s, body %q", req.method, req.target, req.proto, req.body)
	}
	for name, want := range map[string]string{
		"host":                 "sts.amazonaws.com",
		"accept":               "application/json",
		"chainguard-identity":  testIdentity,
		"chainguard-audience":  testAudience,
		"x-amz-date":           "20261125T173911Z",
		"x-amz-security-token": "token",
	} {
		if got := req.values(name); len(got) != 1 || got[0] != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	a, err := parseSigV4(req.values("authorization")[0])
	if err != nil {
		t.Fatal(err)
	}
	if a.signedRaw != "accept;chainguard-audience;chainguard-identity;host;latch-nonce;x-amz-date;x-amz-security-token" || a.region != "us-east-1" {
		t.Errorf("signed %s for %s", a.signedRaw, a.region)
	}
	if n := req.values("latch-nonce"); len(n) != 1 || !nonceRE.MatchString(n[0]) {
		t.Errorf("latch-nonce = %q, want one random value", n)
	}
}

func TestTwoProofsSignedInTheSameSecondDiffer(t *testing.T) {
	t.Parallel()
	creds := aws.Credentials{AccessKeyID: "ASIAEXAMPLEEXAMPLE01", SecretAccessKey: "secret", SessionToken: "token"}
	at := time.Date(2026, 11, 25, 17, 39, 11, 0, time.UTC)
	a, err := Sign(context.Background(), creds, "", "", testIdentity, testAudience, at)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Sign(context.Background(), creds, "", "", testIdentity, testAudience, at)
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Error("two proofs signed in the same second are identical, so the second would be refused as a replay")
	}
}

func TestSignRefusesIncompleteInput(t *testing.T) {
	t.Parallel()
	creds := aws.Credentials{AccessKeyID: "ASIAEXAMPLEEXAMPLE01", SecretAccessKey: "secret"}
	cases := []struct {
		name                                 string
		creds                                aws.Credentials
		endpoint, region, identity, audience string
		want                                 string
	}{
		{"missing credentials are refused", aws.Credentials{}, "", "", testIdentity, testAudience, "credentials"},
		{"a missing identity is refused", creds, "", "", "", testAudience, "identity"},
		{"a missing audience is refused", creds, "", "", testIdentity, "", "audience"},
		{"a bad region is refused", creds, "", "us-east-1\n", testIdentity, testAudience, "region"},
		{"an endpoint with a path is refused", creds, "https://sts.amazonaws.com/x", "", testIdentity, testAudience, "endpoint"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Sign(context.Background(), tc.creds, tc.endpoint, tc.region, tc.identity, tc.audience, testNow)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Sign() = %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}
