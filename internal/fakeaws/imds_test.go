package fakeaws

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"

	"latch.dev/latch/internal/testutil/fakeclock"
)

// imdsFixture is an IMDS and an STS sharing a registry, on one clock.
type imdsFixture struct {
	clock *fakeclock.Clock
	reg   *Registry
	imds  *IMDS
	sts   *STS
}

func newIMDSFixture(t *testing.T) *imdsFixture {
	t.Helper()
	f := &imdsFixture{clock: fakeclock.New(testNow), reg: NewRegistry()}
	f.imds = must(NewIMDS(IMDSOptions{
		Registry:   f.reg,
		Now:        f.clock.Now,
		Rand:       seeded(3),
		AccountID:  "210987654321",
		Region:     "eu-west-1",
		InstanceID: "i-0123456789abcdef0",
		RoleName:   "web-role",
		RoleID:     "AROAEXAMPLEROLEID0001",
	}))(t)
	f.sts = must(NewSTS(STSOptions{Registry: f.reg, Now: f.clock.Now, Rand: seeded(4)}))(t)
	return f
}

// token fetches a session token with the given TTL header value.
func (f *imdsFixture) token(t *testing.T, ttl string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodPut, "http://169.254.169.254/latest/api/token", nil)
	if ttl != "" {
		r.Header.Set("X-aws-ec2-metadata-token-ttl-seconds", ttl)
	}
	return serve(f.imds, r)
}

func (f *imdsFixture) get(t *testing.T, path, token string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, "http://169.254.169.254"+path, nil)
	if token != "" {
		r.Header.Set("X-aws-ec2-metadata-token", token)
	}
	return serve(f.imds, r)
}

func (f *imdsFixture) mustToken(t *testing.T) string {
	t.Helper()
	w := f.token(t, "21600")
	if w.Code != http.StatusOK || w.Header().Get("X-aws-ec2-metadata-token-ttl-seconds") != "21600" {
		t.Fatalf("token: %d %v %s", w.Code, w.Header(), w.Body)
	}
	return w.Body.String()
}

func TestIMDSServesMetadataWithASessionToken(t *testing.T) {
	t.Parallel()
	f := newIMDSFixture(t)
	tok := f.mustToken(t)
	cases := []struct {
		path string
		want string
	}{
		{"/latest/meta-data/iam/security-credentials/", "web-role"},
		{"/latest/meta-data/iam/security-credentials", "web-role"},
		{"/latest/meta-data/instance-id", "i-0123456789abcdef0"},
		{"/latest/meta-data/placement/region", "eu-west-1"},
		{"/latest/meta-data/placement/availability-zone", "eu-west-1a"},
		{"/latest/meta-data/local-hostname", "ip-172-31-16-10.eu-west-1.compute.internal"},
		{"/latest/meta-data/", "ami-id\nhostname\niam/\ninstance-id\ninstance-type\nlocal-hostname\nlocal-ipv4\nplacement/"},
	}
	for _, tc := range cases {
		t.Run(tc.path+" serves "+strings.ReplaceAll(tc.want, "\n", " "), func(t *testing.T) {
			t.Parallel()
			w := f.get(t, tc.path, tok)
			if w.Code != http.StatusOK || w.Body.String() != tc.want {
				t.Errorf("got %d %q, want %q", w.Code, w.Body, tc.want)
			}
		})
	}
}

func TestIMDSServesTheRolesCredentialsAndIdentity(t *testing.T) {
	t.Parallel()
	f := newIMDSFixture(t)
	tok := f.mustToken(t)

	t.Run("the role's credentials are EC2-shaped and registered for the role session", func(t *testing.T) {
		t.Parallel()
		w := f.get(t, "/latest/meta-data/iam/security-credentials/web-role", tok)
		var c map[string]string
		mustUnmarshalJSON(t, w.Body.Bytes(), &c)
		cur := f.imds.Credentials()
		want := map[string]string{
			"Code": "Success", "LastUpdated": "2026-11-25T17:39:11Z", "Type": "AWS-HMAC",
			"AccessKeyId": cur.AccessKeyID, "SecretAccessKey": cur.SecretAccessKey, "Token": cur.SessionToken,
			"Expiration": "2026-11-25T23:39:11Z",
		}
		for k, v := range want {
			if c[k] != v {
				t.Errorf("%s = %q, want %q", k, c[k], v)
			}
		}
		if len(c) != len(want) {
			t.Errorf("fields %v, want exactly %v", c, want)
		}
		_, p, ok := f.reg.Lookup(cur.AccessKeyID)
		wantP := Principal{Account: "210987654321", Arn: "arn:aws:sts::210987654321:assumed-role/web-role/i-0123456789abcdef0",
			UserID: "AROAEXAMPLEROLEID0001:i-0123456789abcdef0"}
		if !ok || p != wantP || f.imds.Principal() != wantP {
			t.Errorf("registered principal %+v (%v), want %+v", p, ok, wantP)
		}
	})
	t.Run("iam/info names the instance profile", func(t *testing.T) {
		t.Parallel()
		var info map[string]string
		mustUnmarshalJSON(t, f.get(t, "/latest/meta-data/iam/info", tok).Body.Bytes(), &info)
		if info["Code"] != "Success" || info["InstanceProfileArn"] != "arn:aws:iam::210987654321:instance-profile/web-role" ||
			!strings.HasPrefix(info["InstanceProfileId"], "AIPA") {
			t.Errorf("iam/info = %v", info)
		}
	})
	t.Run("the identity document has EC2's fields", func(t *testing.T) {
		t.Parallel()
		var doc map[string]any
		mustUnmarshalJSON(t, f.get(t, "/latest/dynamic/instance-identity/document", tok).Body.Bytes(), &doc)
		for _, k := range []string{"accountId", "region", "instanceId", "architecture", "imageId", "instanceType",
			"availabilityZone", "privateIp", "pendingTime", "version", "billingProducts", "kernelId", "ramdiskId"} {
			if _, ok := doc[k]; !ok {
				t.Errorf("document lacks %q: %v", k, doc)
			}
		}
		if doc["accountId"] != "210987654321" || doc["region"] != "eu-west-1" || doc["pendingTime"] != "2026-11-25T17:39:11Z" {
			t.Errorf("document = %v", doc)
		}
	})
}

func TestIMDSRefusesRequestsEC2WouldRefuse(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		do     func(t *testing.T, f *imdsFixture) *httptest.ResponseRecorder
		status int
	}{
		{"a read without a token is unauthorized", func(t *testing.T, f *imdsFixture) *httptest.ResponseRecorder {
			return f.get(t, "/latest/meta-data/iam/security-credentials/", "")
		}, 401},
		{"a read with an unknown token is unauthorized", func(t *testing.T, f *imdsFixture) *httptest.ResponseRecorder {
			return f.get(t, "/latest/meta-data/instance-id", "bogus")
		}, 401},
		{"a read with an expired token is unauthorized", func(t *testing.T, f *imdsFixture) *httptest.ResponseRecorder {
			w := f.token(t, "60")
			f.clock.Advance(60 * time.Second)
			return f.get(t, "/latest/meta-data/instance-id", w.Body.String())
		}, 401},
		{"a token still within its TTL works", func(t *testing.T, f *imdsFixture) *httptest.ResponseRecorder {
			w := f.token(t, "60")
			f.clock.Advance(59 * time.Second)
			return f.get(t, "/latest/meta-data/instance-id", w.Body.String())
		}, 200},
		{"a token request without a TTL is bad", func(t *testing.T, f *imdsFixture) *httptest.ResponseRecorder {
			return f.token(t, "")
		}, 400},
		{"a token TTL of zero is bad", func(t *testing.T, f *imdsFixture) *httptest.ResponseRecorder { return f.token(t, "0") }, 400},
		{"a token TTL over six hours is bad", func(t *testing.T, f *imdsFixture) *httptest.ResponseRecorder { return f.token(t, "21601") }, 400},
		{"a token TTL that is not a number is bad", func(t *testing.T, f *imdsFixture) *httptest.ResponseRecorder { return f.token(t, "1h") }, 400},
		{"a token request through a proxy is forbidden", func(t *testing.T, f *imdsFixture) *httptest.ResponseRecorder {
			r := httptest.NewRequest(http.MethodPut, "http://169.254.169.254/latest/api/token", nil)
			r.Header.Set("X-aws-ec2-metadata-token-ttl-seconds", "60")
			r.Header.Set("X-Forwarded-For", "10.0.0.1")
			return serve(f.imds, r)
		}, 403},
		{"a GET of the token path is not allowed", func(t *testing.T, f *imdsFixture) *httptest.ResponseRecorder {
			return f.get(t, "/latest/api/token", "")
		}, 405},
		{"an unknown path is not found", func(t *testing.T, f *imdsFixture) *httptest.ResponseRecorder {
			return f.get(t, "/latest/meta-data/nope", f.mustToken(t))
		}, 404},
		{"another role's credentials are not found", func(t *testing.T, f *imdsFixture) *httptest.ResponseRecorder {
			return f.get(t, "/latest/meta-data/iam/security-credentials/other-role", f.mustToken(t))
		}, 404},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newIMDSFixture(t)
			if w := tc.do(t, f); w.Code != tc.status {
				t.Errorf("status %d (%q), want %d", w.Code, w.Body, tc.status)
			}
		})
	}
}

// gci sends STS a latch proof signed with c at the fixture's time.
func (f *imdsFixture) gci(t *testing.T, c Credentials) *httptest.ResponseRecorder {
	t.Helper()
	return serve(f.sts, newSignedRequest(t, proofSpec(c, f.clock.Now())))
}

func TestIMDSCredentialsRotateAndExpireAtSTS(t *testing.T) {
	t.Parallel()
	f := newIMDSFixture(t)
	first := f.imds.Credentials()
	if w := f.gci(t, first); w.Code != 200 {
		t.Fatalf("the first key is refused: %d %s", w.Code, w.Body)
	}

	second := must(f.imds.Rotate())(t)
	if second.AccessKeyID == first.AccessKeyID {
		t.Fatal("Rotate kept the key")
	}
	t.Run("after a rotation both keys sign for the same role", func(t *testing.T) {
		for _, c := range []Credentials{first, second} {
			if w := f.gci(t, c); w.Code != 200 {
				t.Errorf("%s refused: %d %s", c.AccessKeyID, w.Code, w.Body)
			}
		}
	})

	f.clock.Advance(6 * time.Hour)
	t.Run("expired keys get ExpiredToken", func(t *testing.T) {
		checkSTSError(t, f.gci(t, second).Result(), 403, "ExpiredToken", "expired")
	})
	t.Run("the IMDS hands out fresh keys once the old ones are about to expire, and they sign", func(t *testing.T) {
		w := f.get(t, "/latest/meta-data/iam/security-credentials/web-role", f.mustToken(t))
		var c struct{ AccessKeyId, SecretAccessKey, Token, Expiration string }
		mustUnmarshalJSON(t, w.Body.Bytes(), &c)
		if c.AccessKeyId == second.AccessKeyID || c.Expiration != "2026-11-26T05:39:11Z" {
			t.Fatalf("served %+v after expiry", c)
		}
		third := Credentials{AccessKeyID: c.AccessKeyId, SecretAccessKey: c.SecretAccessKey, SessionToken: c.Token}
		if w := f.gci(t, third); w.Code != 200 {
			t.Errorf("the fresh key is refused: %d %s", w.Code, w.Body)
		}
	})
	t.Run("keys older than the previous one are dropped from the registry", func(t *testing.T) {
		if _, _, ok := f.reg.Lookup(first.AccessKeyID); ok {
			t.Error("the first key is still registered")
		}
	})
}

func TestTheSDKIMDSClientReadsTheEmulator(t *testing.T) {
	t.Parallel()
	f := newIMDSFixture(t)
	srv := must(Serve(f.imds, ServeOptions{}))(t)
	t.Cleanup(func() { _ = srv.Close() })
	client := imds.New(imds.Options{Endpoint: srv.URL})
	ctx := context.Background()

	region := must(client.GetRegion(ctx, nil))(t)
	if region.Region != "eu-west-1" {
		t.Errorf("region %q", region.Region)
	}
	doc := must(client.GetInstanceIdentityDocument(ctx, nil))(t)
	if doc.AccountID != "210987654321" || doc.InstanceID != "i-0123456789abcdef0" || !doc.PendingTime.Equal(testNow) {
		t.Errorf("document %+v", doc.InstanceIdentityDocument)
	}
	info := must(client.GetIAMInfo(ctx, nil))(t)
	if info.InstanceProfileArn != "arn:aws:iam::210987654321:instance-profile/web-role" {
		t.Errorf("iam info %+v", info.IAMInfo)
	}
	out := must(client.GetMetadata(ctx, &imds.GetMetadataInput{Path: "iam/security-credentials/"}))(t)
	b, _ := io.ReadAll(out.Content)
	if string(b) != "web-role" {
		t.Errorf("role listing %q", b)
	}
	// The SDK asked for a token once and reused it.
	if n := f.imds.Requests(); n != 5 {
		t.Errorf("the emulator saw %d requests, want 5 (one token, four reads)", n)
	}
}
