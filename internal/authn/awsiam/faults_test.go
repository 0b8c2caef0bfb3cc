package awsiam

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/fakeaws"
)

// fastRetries keeps fault tests quick: retries still happen, with short
// waits.
func fastRetries(f func(c *Config)) rigOption {
	return withConfig(func(_ *rig, c *Config) {
		c.RetryBackoff = 5 * time.Millisecond
		if f != nil {
			f(c)
		}
	})
}

const (
	validJSONAnswer = `{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account":"123456789012",` +
		`"Arn":"arn:aws:sts::123456789012:assumed-role/deploy/i-0123456789abcdef0","UserId":"AROAEXAMPLEROLEID0001:i-0123456789abcdef0"},` +
		`"ResponseMetadata":{"RequestId":"11111111-2222-3333-4444-555555555555"}}}`
	xmlResult = `<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/victim</Arn><UserId>AIDAEXAMPLEUSERID0001</UserId>` +
		`<Account>123456789012</Account></GetCallerIdentityResult>`
	validXMLAnswer = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">` + xmlResult +
		`<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`
)

func ct(v string) http.Header { return http.Header{"Content-Type": {v}} }

// xmlProof signs a proof without Accept, so STS answers (and latch
// expects) XML.
func xmlProof(t *testing.T, r *rig) string { return r.spec().without("Accept").proof(t) }

// endless yields b forever.
type endless byte

func (e endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(e)
	}
	return len(p), nil
}

func TestSTSFaultsAndAnswers(t *testing.T) {
	t.Parallel()
	type row struct {
		name     string
		opts     []rigOption
		fault    func(t *testing.T, r *rig)
		proof    func(t *testing.T, r *rig) string
		ok       bool
		kind     errs.Kind
		check    Check
		want     []string
		attempts int64 // requests STS receives
	}
	cases := []row{
		// (c) 18: redirects are never followed.
		{name: "a 302 to another listener is refused and the listener never contacted (c18)",
			fault: func(t *testing.T, r *rig) {
				other := newRig(t)
				t.Cleanup(func() {
					if n := other.stsRequests(); n != 0 {
						t.Errorf("the redirect target received %d requests", n)
					}
				})
				r.env.STS.Faults().Inject(fakeaws.Raw(http.StatusFound, http.Header{"Location": {other.url + "/?" + gciQuery}}, nil), 0)
			},
			kind: errs.Unavailable, check: CheckSTS, want: []string{"redirect (HTTP 302)", "never follows"}, attempts: 1},
		{name: "a 307 is refused (c18)",
			fault: func(t *testing.T, r *rig) {
				r.env.STS.Faults().Inject(fakeaws.Raw(http.StatusTemporaryRedirect, http.Header{"Location": {"https://evil.example/"}}, nil), 0)
			},
			kind: errs.Unavailable, check: CheckSTS, want: []string{"redirect (HTTP 307)"}, attempts: 1},

		// (c) 19 and 20: answers that could be read two ways.
		{name: "a JSON answer with an embedded XML answer is refused (c19)",
			fault: func(t *testing.T, r *rig) {
				body := `{"Message":"<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">` +
					strings.ReplaceAll(xmlResult, `"`, `\"`) + `</GetCallerIdentityResponse>"}`
				r.env.STS.Faults().Inject(fakeaws.Raw(200, ct("application/json"), []byte(body)), 0)
			},
			kind: errs.Unavailable, check: CheckResponse, want: []string{"malformed GetCallerIdentity body"}, attempts: 1},
		{name: "an XML answer wrapped in JSON is refused where XML is expected (c19)", proof: xmlProof,
			fault: func(t *testing.T, r *rig) {
				body := `{"x":"` + validXMLAnswer + `"}`
				r.env.STS.Faults().Inject(fakeaws.Raw(200, ct("text/xml"), []byte(body)), 0)
			},
			kind: errs.Unavailable, check: CheckResponse, want: []string{"malformed"}, attempts: 1},
		{name: "XML with leading garbage is refused (c19)", proof: xmlProof,
			fault: func(t *testing.T, r *rig) {
				r.env.STS.Faults().Inject(fakeaws.Raw(200, ct("text/xml"), []byte("garbage"+validXMLAnswer)), 0)
			},
			kind: errs.Unavailable, check: CheckResponse, want: []string{"malformed"}, attempts: 1},
		{name: "XML with trailing garbage is refused (c19)", proof: xmlProof,
			fault: func(t *testing.T, r *rig) {
				r.env.STS.Faults().Inject(fakeaws.Raw(200, ct("text/xml"), []byte(validXMLAnswer+"<x/>")), 0)
			},
			kind: errs.Unavailable, check: CheckResponse, want: []string{"malformed"}, attempts: 1},
		{name: "XML with a DOCTYPE is refused (c19)", proof: xmlProof,
			fault: func(t *testing.T, r *rig) {
				r.env.STS.Faults().Inject(fakeaws.Raw(200, ct("text/xml"), []byte(`<!DOCTYPE x [<!ENTITY a "b">]>`+validXMLAnswer)), 0)
			},
			kind: errs.Unavailable, check: CheckResponse, want: []string{"malformed"}, attempts: 1},
		{name: "a JSON content type where XML is expected is refused (c19)", proof: xmlProof,
			fault: func(t *testing.T, r *rig) {
				r.env.STS.Faults().Inject(fakeaws.Raw(200, ct("application/json"), []byte(validJSONAnswer)), 0)
			},
			kind: errs.Unavailable, check: CheckResponse, want: []string{`content type "application/json" where text/xml was expected`}, attempts: 1},
		{name: "a wrong content type is refused (c19)",
			fault: func(t *testing.T, r *rig) {
				r.env.STS.Faults().Inject(fakeaws.Raw(200, ct("text/html"), []byte(validJSONAnswer)), 0)
			},
			kind: errs.Unavailable, check: CheckResponse, want: []string{`"text/html" where application/json was expected`}, attempts: 1},
		{name: "garbage is refused (c19)",
			fault: func(t *testing.T, r *rig) {
				r.env.STS.Faults().Inject(fakeaws.Raw(200, ct("application/json"), []byte("<html>nope</html>")), 0)
			},
			kind: errs.Unavailable, check: CheckResponse, want: []string{"malformed"}, attempts: 1},
		{name: "two XML results are refused (c20)", proof: xmlProof,
			fault: func(t *testing.T, r *rig) {
				body := strings.Replace(validXMLAnswer, xmlResult, xmlResult+xmlResult, 1)
				r.env.STS.Faults().Inject(fakeaws.Raw(200, ct("text/xml"), []byte(body)), 0)
			},
			kind: errs.Unavailable, check: CheckResponse, want: []string{"malformed"}, attempts: 1},
		{name: "two JSON results are refused (c20)",
			fault: func(t *testing.T, r *rig) {
				body := `{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account":"123456789012","Arn":"a","UserId":"u"},` +
					`"GetCallerIdentityResult":{"Account":"123456789012","Arn":"b","UserId":"v"}}}`
				r.env.STS.Faults().Inject(fakeaws.Raw(200, ct("application/json"), []byte(body)), 0)
			},
			kind: errs.Unavailable, check: CheckResponse, want: []string{"malformed"}, attempts: 1},
		{name: "a case-folded duplicate key (arn and Arn) is refused (c20)",
			fault: func(t *testing.T, r *rig) {
				body := strings.Replace(validJSONAnswer, `"Arn":`, `"arn":"arn:aws:iam::123456789012:user/victim","Arn":`, 1)
				r.env.STS.Faults().Inject(fakeaws.Raw(200, ct("application/json"), []byte(body)), 0)
			},
			kind: errs.Unavailable, check: CheckResponse, want: []string{"malformed"}, attempts: 1},
		{name: "an unknown member is refused (c20)",
			fault: func(t *testing.T, r *rig) {
				body := strings.Replace(validJSONAnswer, `"Account":`, `"Extra":"x","Account":`, 1)
				r.env.STS.Faults().Inject(fakeaws.Raw(200, ct("application/json"), []byte(body)), 0)
			},
			kind: errs.Unavailable, check: CheckResponse, want: []string{"malformed"}, attempts: 1},
		{name: "a second JSON value after the answer is refused (c20)",
			fault: func(t *testing.T, r *rig) {
				r.env.STS.Faults().Inject(fakeaws.Raw(200, ct("application/json"), []byte(validJSONAnswer+"{}")), 0)
			},
			kind: errs.Unavailable, check: CheckResponse, want: []string{"malformed"}, attempts: 1},
		{name: "an empty Arn is refused (c20)",
			fault: func(t *testing.T, r *rig) {
				body := strings.Replace(validJSONAnswer, `"Arn":"arn:aws:sts::123456789012:assumed-role/deploy/i-0123456789abcdef0"`, `"Arn":""`, 1)
				r.env.STS.Faults().Inject(fakeaws.Raw(200, ct("application/json"), []byte(body)), 0)
			},
			kind: errs.Unauthenticated, check: CheckResponse, want: []string{"empty account, ARN or user ID"}, attempts: 1},
		{name: "an empty Account is refused (c20)", proof: xmlProof,
			fault: func(t *testing.T, r *rig) {
				body := strings.Replace(validXMLAnswer, "<Account>123456789012</Account>", "<Account></Account>", 1)
				r.env.STS.Faults().Inject(fakeaws.Raw(200, ct("text/xml"), []byte(body)), 0)
			},
			kind: errs.Unauthenticated, check: CheckResponse, want: []string{"empty account"}, attempts: 1},
		{name: "a 20 MB body is refused after 64 KiB (c20)",
			fault: func(t *testing.T, r *rig) {
				r.env.STS.Faults().Inject(fakeaws.RawStream(200, ct("application/json"), func() io.Reader {
					return io.LimitReader(endless(' '), 20<<20)
				}), 0)
			},
			kind: errs.Unavailable, check: CheckResponse, want: []string{"more than 65536 bytes"}, attempts: 1},
		{name: "a body that never ends is refused after 64 KiB (c20)",
			fault: func(t *testing.T, r *rig) {
				r.env.STS.Faults().Inject(fakeaws.NeverEnding(200, ct("application/json")), 0)
			},
			kind: errs.Unavailable, check: CheckResponse, want: []string{"more than 65536 bytes"}, attempts: 1},

		// (c) 21: throttling and outages: bounded retries, right codes.
		{name: "throttling is retried twice, then reported as a rate limit (c21)", opts: []rigOption{fastRetries(nil)},
			fault: func(t *testing.T, r *rig) { r.env.STS.Faults().Inject(fakeaws.Throttling(), 0) },
			kind:  errs.ResourceExhausted, check: CheckSTS, want: []string{"throttling", "Throttling: Rate exceeded", "after 3 attempts"}, attempts: 3},
		{name: "HTTP 429 counts as throttling (c21)", opts: []rigOption{fastRetries(nil)},
			fault: func(t *testing.T, r *rig) {
				r.env.STS.Faults().Inject(fakeaws.Raw(429, ct("text/plain"), []byte("slow down")), 0)
			},
			kind: errs.ResourceExhausted, check: CheckSTS, want: []string{"HTTP 429"}, attempts: 3},
		{name: "throttling that clears within the retries succeeds (c21)", opts: []rigOption{fastRetries(nil)},
			fault: func(t *testing.T, r *rig) { r.env.STS.Faults().Inject(fakeaws.Throttling(), 2) },
			ok:    true, attempts: 3},
		{name: "a 500 is retried and then succeeds (c21)", opts: []rigOption{fastRetries(nil)},
			fault: func(t *testing.T, r *rig) { r.env.STS.Faults().Inject(fakeaws.InternalFailure(), 1) },
			ok:    true, attempts: 2},
		{name: "a lasting 500 is retried a bounded number of times, then unavailable (c21)", opts: []rigOption{fastRetries(nil)},
			fault: func(t *testing.T, r *rig) { r.env.STS.Faults().Inject(fakeaws.InternalFailure(), 0) },
			kind:  errs.Unavailable, check: CheckSTS, want: []string{"HTTP 500", "after 3 attempts", "new proof"}, attempts: 3},
		{name: "a lasting 503 is unavailable (c21)", opts: []rigOption{fastRetries(nil)},
			fault: func(t *testing.T, r *rig) { r.env.STS.Faults().Inject(fakeaws.ServiceUnavailable(), 0) },
			kind:  errs.Unavailable, check: CheckSTS, want: []string{"HTTP 503"}, attempts: 3},
		{name: "with retries off a 500 is sent once (c21)", opts: []rigOption{fastRetries(func(c *Config) { c.Retries = -1 })},
			fault: func(t *testing.T, r *rig) { r.env.STS.Faults().Inject(fakeaws.InternalFailure(), 0) },
			kind:  errs.Unavailable, check: CheckSTS, want: []string{"after 1 attempt"}, attempts: 1},
		{name: "a 400 that is not throttling is not retried (c21)", opts: []rigOption{fastRetries(nil)},
			fault: func(t *testing.T, r *rig) {
				r.env.STS.Faults().Inject(fakeaws.ErrorFault(400, "InvalidAction", "Could not find operation"), 0)
			},
			kind: errs.Unauthenticated, check: CheckSTS, want: []string{"AWS STS refused the proof: InvalidAction: Could not find operation"}, attempts: 1},

		// STS's own verdicts on the signature.
		{name: "a wrong secret key is rejected by STS with a helpful message",
			proof: func(t *testing.T, r *rig) string {
				s := r.spec()
				s.creds.SecretAccessKey = "wrong" + s.creds.SecretAccessKey[5:]
				return s.proof(t)
			},
			kind: errs.Unauthenticated, check: CheckSTS, want: []string{"AWS STS rejected the signature: SignatureDoesNotMatch"}, attempts: 1},
		{name: "an unknown access key is rejected by STS",
			proof: func(t *testing.T, r *rig) string {
				s := r.spec()
				s.creds.AccessKeyID = "ASIAUNKNOWNUNKNOWN00"
				return s.proof(t)
			},
			kind: errs.Unauthenticated, check: CheckSTS, want: []string{"InvalidClientTokenId"}, attempts: 1},
		{name: "expired credentials are rejected by STS",
			proof: func(t *testing.T, r *rig) string {
				c, err := fakeaws.NewTemporaryCredentials(nil, testNow.Add(-time.Minute))
				if err != nil {
					t.Fatal(err)
				}
				if err := r.env.Registry.Add(c, r.role); err != nil {
					t.Fatal(err)
				}
				s := r.spec()
				s.creds = aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}
				return s.proof(t)
			},
			kind: errs.Unauthenticated, check: CheckSTS, want: []string{"ExpiredToken"}, attempts: 1},

		// (c) 22, the verifier's half: values the endpoint cannot vouch for.
		{name: "a principal of another partition than the endpoint's is refused (c22)",
			proof: principalProof(fakeaws.Principal{Account: testAccount,
				Arn: "arn:aws-cn:sts::123456789012:assumed-role/deploy/i-1", UserID: "AROAEXAMPLEROLEID0001:i-1"}),
			kind: errs.Unauthenticated, check: CheckResponse, want: []string{"partition aws-cn", "answers for partition aws"}, attempts: 1},
		{name: "an 11-digit account is refused (c22)",
			proof: principalProof(fakeaws.Principal{Account: "12345678901",
				Arn: "arn:aws:sts::12345678901:assumed-role/deploy/i-1", UserID: "AROAEXAMPLEROLEID0001:i-1"}),
			kind: errs.Unauthenticated, check: CheckResponse, want: []string{`account "12345678901"`, "not 12 digits"}, attempts: 1},
		{name: "an ARN of another account than the reported one is refused (c22)",
			proof: principalProof(fakeaws.Principal{Account: testAccount,
				Arn: "arn:aws:sts::999999999999:assumed-role/deploy/i-1", UserID: "AROAEXAMPLEROLEID0001:i-1"}),
			kind: errs.Unauthenticated, check: CheckResponse, want: []string{"not in the reported account 123456789012"}, attempts: 1},

		// Good answers in the shapes STS may use.
		{name: "a JSON answer with a charset parameter is accepted",
			fault: func(t *testing.T, r *rig) {
				r.env.STS.Faults().Inject(fakeaws.Raw(200, ct("application/json; charset=utf-8"), []byte(validJSONAnswer)), 1)
			},
			ok: true, attempts: 1},
		{name: "an XML answer with a declaration is accepted", proof: xmlProof,
			fault: func(t *testing.T, r *rig) {
				r.env.STS.Faults().Inject(fakeaws.Raw(200, ct("text/xml"), []byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n"+validXMLAnswer+"\n")), 1)
			},
			ok: true, attempts: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, tc.opts...)
			if tc.fault != nil {
				tc.fault(t, r)
			}
			proof := r.spec().proof(t)
			if tc.proof != nil {
				proof = tc.proof(t, r)
			}
			res, err := r.v.Verify(context.Background(), proof, testIdentity)
			if tc.ok {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if res.Attempts != int(tc.attempts) || res.Principal.ARN == "" || res.RequestID == "" {
					t.Errorf("result %+v", res)
				}
			} else {
				wantRefusal(t, err, tc.kind, tc.check, tc.want...)
			}
			if n := r.stsRequests(); n != tc.attempts {
				t.Errorf("STS received %d requests, want %d", n, tc.attempts)
			}
		})
	}
}

// principalProof registers new credentials for p in the rig's fake STS
// and signs a proof with them.
func principalProof(p fakeaws.Principal) func(t *testing.T, r *rig) string {
	return func(t *testing.T, r *rig) string {
		c, err := fakeaws.NewTemporaryCredentials(nil, testNow.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if err := r.env.Registry.Add(c, p); err != nil {
			t.Fatal(err)
		}
		s := r.spec()
		s.creds = aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}
		return s.proof(t)
	}
}

func TestASlowSTSTimesOutWithinTheDeadline(t *testing.T) {
	t.Parallel()
	r := newRig(t, fastRetries(func(c *Config) {
		c.Timeout = 800 * time.Millisecond
		c.AttemptTimeout = 200 * time.Millisecond
	}))
	r.env.STS.Faults().Inject(fakeaws.Delay(30*time.Second), 0)
	start := time.Now()
	res, err := r.v.Verify(context.Background(), r.sign(t, testNow), testIdentity)
	elapsed := time.Since(start)
	wantRefusal(t, err, errs.Unavailable, CheckSTS, "did not answer in time", "after 3 attempts")
	// STS would take 30s; the bound is far below that but leaves a loaded
	// machine room.
	if elapsed > 3*time.Second {
		t.Errorf("Verify took %s with an 800ms timeout", elapsed)
	}
	if res.Attempts != 3 {
		t.Errorf("%d attempts, want 3 (each 200ms, within the 800ms budget)", res.Attempts)
	}
}

func TestTheTotalTimeoutBoundsRetries(t *testing.T) {
	t.Parallel()
	r := newRig(t, fastRetries(func(c *Config) {
		c.Timeout = 300 * time.Millisecond
		c.AttemptTimeout = 250 * time.Millisecond
		c.Retries = 5
	}))
	r.env.STS.Faults().Inject(fakeaws.Delay(30*time.Second), 0)
	start := time.Now()
	res, err := r.v.Verify(context.Background(), r.sign(t, testNow), testIdentity)
	wantRefusal(t, err, errs.Unavailable, CheckSTS, "did not answer in time")
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("Verify took %s with a 300ms timeout", elapsed)
	}
	if res.Attempts > 2 {
		t.Errorf("%d attempts within 300ms of 250ms attempts", res.Attempts)
	}
}

func TestCancellationByTheCallerIsHonoured(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.env.STS.Faults().Inject(fakeaws.Delay(30*time.Second), 0)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := r.v.Verify(ctx, r.sign(t, testNow), testIdentity)
	wantRefusal(t, err, errs.Unavailable, CheckSTS, "cancelled")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v does not wrap context.Canceled", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("cancellation took %s", elapsed)
	}
	if n := r.stsRequests(); n != 1 {
		t.Errorf("STS received %d requests; a cancelled verification must not retry", n)
	}
}

// (c) 16: a proof is accepted once, however it is re-encoded.
func TestAProofIsAcceptedOnce(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	proof := r.sign(t, testNow)
	r.checkAccepted(t, proof)
	raw := decodeRaw(t, proof)
	copies := []struct{ name, proof string }{
		{"the same proof a second time is a replay", proof},
		{"the same proof in standard base64 is a replay", std(raw)},
		{"the same proof as an HTTP/2 dump is a replay", std(strings.Replace(raw, " HTTP/1.1\r\n", " HTTP/2\r\n", 1))},
		{"the same proof with LF line ends is a replay", std(strings.ReplaceAll(raw, "\r\n", "\n"))},
	}
	for _, c := range copies {
		t.Run(c.name, func(t *testing.T) {
			_, err := r.v.Verify(context.Background(), c.proof, testIdentity)
			wantRefusal(t, err, errs.Unauthenticated, CheckReplay, "already used", "sign a new one")
		})
	}
	if n := r.stsRequests(); n != 1 {
		t.Errorf("STS received %d requests, want 1", n)
	}
}

func TestConcurrentUsesOfOneProofForwardOnce(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	proof := r.sign(t, testNow)
	const n = 20
	var wg sync.WaitGroup
	start := make(chan struct{})
	errsCh := make(chan error, n)
	for range n {
		wg.Go(func() {
			<-start
			_, err := r.v.Verify(context.Background(), proof, testIdentity)
			errsCh <- err
		})
	}
	close(start)
	wg.Wait()
	close(errsCh)
	ok, replays := 0, 0
	for err := range errsCh {
		switch {
		case err == nil:
			ok++
		case FailedCheck(err) == CheckReplay:
			replays++
		default:
			t.Errorf("unexpected refusal: %v", err)
		}
	}
	if ok != 1 || replays != n-1 {
		t.Errorf("%d successes and %d replays, want 1 and %d", ok, replays, n-1)
	}
	if got := r.stsRequests(); got != 1 {
		t.Errorf("STS received %d requests, want exactly 1", got)
	}
}

func TestAProofIsUsedUpEvenWhenSTSFails(t *testing.T) {
	t.Parallel()
	r := newRig(t, fastRetries(nil))
	proof := r.sign(t, testNow)
	r.env.STS.Faults().Inject(fakeaws.InternalFailure(), 0)
	_, err := r.v.Verify(context.Background(), proof, testIdentity)
	wantRefusal(t, err, errs.Unavailable, CheckSTS, "this one is used up")
	r.env.STS.Faults().Reset()
	_, err = r.v.Verify(context.Background(), proof, testIdentity)
	wantRefusal(t, err, errs.Unauthenticated, CheckReplay, "already used")
	r.checkAccepted(t, r.sign(t, testNow.Add(time.Second)))
}

type failingStore struct{}

func (failingStore) ClaimProof(context.Context, string, time.Time, time.Time) error {
	return errors.New("database is down")
}

func TestAReplayStoreFailureIsUnavailableAndNothingIsForwarded(t *testing.T) {
	t.Parallel()
	r := newRig(t, withConfig(func(_ *rig, c *Config) { c.Replay = failingStore{} }))
	_, err := r.v.Verify(context.Background(), r.sign(t, testNow), testIdentity)
	wantRefusal(t, err, errs.Unavailable, CheckReplay, "could not record")
	if strings.Contains(errs.Message(err), "database") {
		t.Errorf("the message reveals the store's error: %s", errs.Message(err))
	}
	if n := r.stsRequests(); n != 0 {
		t.Errorf("STS received %d requests", n)
	}
}

func TestNewRefusesUnsafeConfigurations(t *testing.T) {
	t.Parallel()
	base := func() Config { return Config{Audiences: []string{testAudience}, Replay: newMemReplay()} }
	cases := []struct {
		name string
		edit func(c *Config)
		want string
	}{
		{"no audience is refused", func(c *Config) { c.Audiences = nil }, "audience"},
		{"an audience with doubled spaces is refused", func(c *Config) { c.Audiences = []string{"a  b"} }, "repeated spaces"},
		{"no replay store without an explicit opt-out is refused", func(c *Config) { c.Replay = nil }, "replay store"},
		{"a window over 15 minutes is refused", func(c *Config) { c.MaxAge = 16 * time.Minute }, "MaxAge"},
		{"a future skew over 15 minutes is refused", func(c *Config) { c.MaxFutureSkew = time.Hour }, "MaxFutureSkew"},
		{"too many retries are refused", func(c *Config) { c.Retries = 50 }, "Retries"},
		{"an unknown partition is refused", func(c *Config) { c.Endpoints.Partitions = []string{"aws-iso"} }, "aws-iso"},
		{"a plain-HTTP endpoint is refused", func(c *Config) { c.Endpoints.Custom = []CustomEndpoint{{URL: "http://sts.internal"}} }, "https://"},
		{"an endpoint with a path is refused", func(c *Config) { c.Endpoints.Custom = []CustomEndpoint{{URL: "https://sts.internal/x"}} }, "only https://host"},
		{"an endpoint with a bad region is refused", func(c *Config) {
			c.Endpoints.Custom = []CustomEndpoint{{URL: "https://sts.internal", Region: "us-east-1.evil"}}
		}, "region"},
		{"turning public endpoints off without a custom one is refused", func(c *Config) { c.Endpoints.NoPublic = true }, "no STS endpoint"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := base()
			tc.edit(&c)
			_, err := New(c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New() = %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}

// TestNoGoroutineLeaks runs alone (not in parallel), so the goroutine
// count is not disturbed by other tests; parallel tests are paused while
// it runs.
func TestNoGoroutineLeaks(t *testing.T) {
	settle := func(limit int) int {
		deadline := time.Now().Add(10 * time.Second)
		for {
			n := runtime.NumGoroutine()
			if n <= limit || time.Now().After(deadline) {
				return n
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	dump := func() string {
		buf := make([]byte, 1<<20)
		return string(buf[:runtime.Stack(buf, true)])
	}
	before := runtime.NumGoroutine()
	r := newRig(t, fastRetries(func(c *Config) {
		c.Timeout = 500 * time.Millisecond
		c.AttemptTimeout = 150 * time.Millisecond
	}))
	// The two emulators' accept loops are all that may remain while the
	// fake AWS runs.
	serving := settle(before + 2)
	faults := []fakeaws.Fault{
		fakeaws.NeverEnding(200, ct("application/json")),
		fakeaws.Delay(time.Minute),
		fakeaws.Throttling(),
		fakeaws.Raw(302, http.Header{"Location": {"https://127.0.0.1:1/"}}, nil),
		fakeaws.Raw(200, ct("application/json"), []byte("{")),
	}
	for i, f := range faults {
		r.env.STS.Faults().Reset()
		r.env.STS.Faults().Inject(f, 0)
		_, _ = r.v.Verify(context.Background(), r.sign(t, testNow.Add(-time.Duration(i)*time.Second)), testIdentity)
	}
	r.env.STS.Faults().Reset()
	r.checkAccepted(t, r.sign(t, testNow.Add(-time.Minute)))

	// With the verifier's idle connections closed, the servers' connection
	// goroutines end too; anything left is a leak (an unclosed body, a
	// stuck retry timer, a never-ending read).
	r.v.CloseIdleConnections()
	if n := settle(serving); n > serving {
		t.Fatalf("%d goroutines while serving before the verifications, %d after closing idle connections:\n%s", serving, n, dump())
	}
	if err := r.env.Close(); err != nil {
		t.Log(err)
	}
	n := settle(before)
	if n > before {
		t.Fatalf("%d goroutines before, %d after:\n%s", before, n, dump())
	}
	t.Logf("goroutines: %d before, %d while serving, %d after", before, serving, n)
}

func ExampleFailedCheck() {
	err := refuse(CheckReplay, errs.Unauthenticated, nil, "this AWS proof was already used")
	fmt.Println(FailedCheck(err), errs.KindOf(err))
	// Output: replay unauthenticated
}
