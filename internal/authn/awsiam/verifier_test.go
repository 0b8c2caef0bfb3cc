package awsiam

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
)

// checkAccepted verifies proof and checks the result describes the rig's
// instance role.
func (r *rig) checkAccepted(t *testing.T, proof string) Result {
	t.Helper()
	res, err := r.v.Verify(context.Background(), proof, testIdentity)
	if err != nil {
		t.Fatalf("Verify refused a valid proof: %v\nproof: %q", err, decodeRaw(t, proof))
	}
	want := iam.AWSPrincipal{Account: r.role.Account, ARN: r.role.Arn, UserID: r.role.UserID}
	if res.Principal != want {
		t.Errorf("principal %+v, want %+v", res.Principal, want)
	}
	if res.Endpoint.Host != r.host || res.RequestID == "" || res.Attempts != 1 || res.Audience != testAudience ||
		!strings.HasPrefix(res.ReplayKey, "aws:") || res.AccessKeyID != r.creds.AccessKeyID {
		t.Errorf("result %+v", res)
	}
	if !res.ReplayExpires.After(res.SignedAt.Add(14 * time.Minute)) {
		t.Errorf("the replay claim lapses at %s, before the proof (signed %s) stops being valid", res.ReplayExpires, res.SignedAt)
	}
	return res
}

func TestVerifyAcceptsEveryEncodingAndFraming(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	// Each row is its own proof (signed a second apart), since a proof is
	// accepted once.
	cases := []struct {
		name   string
		encode func(t *testing.T, at time.Time) string
	}{
		{"the Go client's padded URL-safe base64 is accepted", func(t *testing.T, at time.Time) string {
			return r.sign(t, at)
		}},
		{"unpadded URL-safe base64 is accepted", func(t *testing.T, at time.Time) string {
			return base64.RawURLEncoding.EncodeToString([]byte(decodeRaw(t, r.sign(t, at))))
		}},
		{"padded standard base64, as base64 -w0 prints it, is accepted", func(t *testing.T, at time.Time) string {
			return base64.StdEncoding.EncodeToString([]byte(decodeRaw(t, r.sign(t, at))))
		}},
		{"unpadded standard base64 is accepted", func(t *testing.T, at time.Time) string {
			return base64.RawStdEncoding.EncodeToString([]byte(decodeRaw(t, r.sign(t, at))))
		}},
		{"surrounding whitespace from a shell is ignored", func(t *testing.T, at time.Time) string {
			return " " + r.sign(t, at) + "\n"
		}},
		{"an HTTP/2 request line with lower-case header names is accepted", func(t *testing.T, at time.Time) string {
			raw := decodeRaw(t, r.sign(t, at))
			raw = strings.Replace(raw, " HTTP/1.1\r\n", " HTTP/2\r\n", 1)
			raw = regexp.MustCompile(`(?m)^([A-Za-z-]+):`).ReplaceAllStringFunc(raw, func(s string) string {
				if s == "Host:" {
					return s
				}
				return strings.ToLower(s)
			})
			return std(raw)
		}},
		{"LF line endings are accepted", func(t *testing.T, at time.Time) string {
			return std(strings.ReplaceAll(decodeRaw(t, r.sign(t, at)), "\r\n", "\n"))
		}},
		{"a proof without its final empty line is accepted", func(t *testing.T, at time.Time) string {
			return std(strings.TrimSuffix(decodeRaw(t, r.sign(t, at)), "\r\n"))
		}},
		{"a proof signed 14 minutes ago is accepted", func(t *testing.T, at time.Time) string {
			return r.sign(t, at.Add(-14*time.Minute))
		}},
		{"a proof dated 4 minutes ahead is accepted", func(t *testing.T, at time.Time) string {
			return r.sign(t, at.Add(4*time.Minute))
		}},
		{"a hand-built proof with the binding headers only (no Accept) is answered in XML and accepted", func(t *testing.T, at time.Time) string {
			s := r.spec().without("Accept")
			s.at = at
			return s.proof(t)
		}},
		{"a proof with X-Amz-Content-Sha256 of the empty body is accepted", func(t *testing.T, at time.Time) string {
			s := r.spec().with("X-Amz-Content-Sha256", emptySHA256)
			s.at = at
			return s.proof(t)
		}},
	}
	for i, tc := range cases {
		at := testNow.Add(-time.Duration(i+1) * time.Second)
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r.checkAccepted(t, tc.encode(t, at))
		})
	}
}

// curlProof runs the tutorial's pipeline against the fake STS through bash.
func curlProof(t *testing.T, r *rig, extra string) string {
	t.Helper()
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed")
	}
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, r.env.STSServer.CAPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	script := fmt.Sprintf(`curl %s --cacert %q -X POST "%s/?Action=GetCallerIdentity&Version=2011-06-15" \
  --aws-sigv4 "aws:amz:us-east-1:sts" \
  -H "x-amz-security-token: $AWS_SESSION_TOKEN" \
  --user "$AWS_ACCESS_KEY_ID":"$AWS_SECRET_ACCESS_KEY" \
  -H "Chainguard-Identity: %s" \
  -H "Chainguard-Audience: %s" \
  -H "Accept: application/json" \
  -v 2>&1 > /dev/null | grep '^> ' | sed 's/> //' | base64 -w0`, extra, ca, r.url, testIdentity, testAudience)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script)
	cmd.Env = append(os.Environ(),
		"AWS_ACCESS_KEY_ID="+r.creds.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY="+r.creds.SecretAccessKey,
		"AWS_SESSION_TOKEN="+r.creds.SessionToken)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("curl pipeline: %v", err)
	}
	return string(out)
}

func TestCurlProofsAreAccepted(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, flags, proto string
	}{
		{"curl's default HTTP/2 over TLS produces an accepted proof", "", " HTTP/2\r"},
		{"curl over HTTP/1.1 produces an accepted proof", "--http1.1", " HTTP/1.1\r"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, withRealTime())
			proof := curlProof(t, r, tc.flags)
			raw := decodeRaw(t, proof)
			t.Logf("curl's proof:\n%s", raw)
			if first, _, _ := strings.Cut(raw, "\n"); !strings.HasSuffix(first, tc.proto) {
				t.Fatalf("curl did not print a %q request line: %q", tc.proto, raw)
			}
			res := r.checkAccepted(t, proof)
			// Over the same transport the verifier may have reused curl's
			// answer shape: it must be JSON, since curl signed the Accept.
			if got := r.lastSeen(t).header.Get("Accept"); got != "application/json" {
				t.Errorf("forwarded Accept %q", got)
			}
			// A second use of the very same curl output is a replay.
			_, err := r.v.Verify(context.Background(), proof, testIdentity)
			wantRefusal(t, err, errs.Unauthenticated, CheckReplay, "already used")
			_ = res
		})
	}
}

func TestForwardedRequestCarriesOnlySignedHeaders(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	// (c) 17: an unsigned Accept: application/json is the CVE-2020-16250
	// primitive for switching STS's answer format; it is dropped, so STS
	// answers XML, which the verifier then requires.
	s := r.spec().without("Accept")
	s.unsigned = [][2]string{
		{"Accept", "application/json"},
		{"User-Agent", "evil/1.0"},
		{"X-Forwarded-For", "10.0.0.1"},
		{"Content-Length", "0"},
	}
	before := r.stsRequests()
	r.checkAccepted(t, s.proof(t))
	if got := r.stsRequests() - before; got != 1 {
		t.Fatalf("STS received %d requests, want 1", got)
	}
	seen := r.lastSeen(t)
	if seen.target != "/?"+gciQuery || seen.host != r.host {
		t.Errorf("forwarded %s to host %s", seen.target, seen.host)
	}
	for _, h := range []string{"Accept", "X-Forwarded-For"} {
		if v := seen.header.Get(h); v != "" {
			t.Errorf("the unsigned header %s: %s was forwarded", h, v)
		}
	}
	if ua := seen.header.Get("User-Agent"); ua != userAgent {
		t.Errorf("forwarded User-Agent %q, want latch's own", ua)
	}
	if got := seen.header.Get("Chainguard-Identity"); got != testIdentity {
		t.Errorf("forwarded identity %q", got)
	}
	if got := seen.header.Get("Chainguard-Audience"); got != testAudience {
		t.Errorf("forwarded audience %q", got)
	}
}

func TestProofsSignedForPublicEndpointsReachThoseEndpoints(t *testing.T) {
	t.Parallel()
	hosts := []string{"sts.amazonaws.com", "sts.us-west-2.amazonaws.com", "sts-fips.us-east-2.amazonaws.com", "sts.eu-south-9.amazonaws.com"}
	cases := []struct {
		name     string
		url      string
		region   string
		regional bool
		fips     bool
		refused  string
	}{
		{"the global endpoint is accepted by default", "https://sts.amazonaws.com", "us-east-1", false, false, ""},
		{"a regional endpoint is accepted when regional endpoints are on", "https://sts.us-west-2.amazonaws.com", "us-west-2", true, false, ""},
		{"a region the code has never heard of works when regional endpoints are on", "https://sts.eu-south-9.amazonaws.com", "eu-south-9", true, false, ""},
		{"a regional endpoint is refused when regional endpoints are off", "https://sts.us-west-2.amazonaws.com", "us-west-2", false, false, "regional STS endpoint"},
		{"a FIPS endpoint is accepted when FIPS endpoints are on", "https://sts-fips.us-east-2.amazonaws.com", "us-east-2", false, true, ""},
		{"a FIPS endpoint is refused when FIPS endpoints are off", "https://sts-fips.us-east-2.amazonaws.com", "us-east-2", true, false, "FIPS endpoint"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, withTLSNames(hosts...), withConfig(func(r *rig, c *Config) {
				c.Endpoints.Regional, c.Endpoints.FIPS = tc.regional, tc.fips
				c.Transport = r.publicTransport()
			}))
			proof, err := Sign(context.Background(), r.creds, tc.url, tc.region, testIdentity, testAudience, testNow)
			if err != nil {
				t.Fatal(err)
			}
			res, err := r.v.Verify(context.Background(), proof, testIdentity)
			host := strings.TrimPrefix(tc.url, "https://")
			if tc.refused != "" {
				wantRefusal(t, err, errs.Unauthenticated, CheckHost, host, tc.refused)
				if n := r.stsRequests(); n != 0 {
					t.Errorf("STS received %d requests for a refused host", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Endpoint.Host != host || res.Endpoint.Region != tc.region || res.Endpoint.Custom || res.Principal.ARN != r.role.Arn {
				t.Errorf("result %+v", res)
			}
			if got := r.lastSeen(t).host; got != host {
				t.Errorf("STS saw Host %q, want %q", got, host)
			}
		})
	}
}
