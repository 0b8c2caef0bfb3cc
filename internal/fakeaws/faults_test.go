package fakeaws

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// zeros is an endless source of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// sendProof signs a latch proof for c at now and posts it to base.
func sendProof(ctx context.Context, t *testing.T, client *http.Client, base string, c Credentials, now time.Time) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/?"+gciQuery, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Chainguard-Identity", testIdentity)
	req.Header.Set("Chainguard-Audience", testAudience)
	creds := aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, emptySHA256, "sts", testRegion, now); err != nil {
		t.Fatal(err)
	}
	return client.Do(req)
}

func TestSTSFaultsMakeTheEmulatorMisbehaveOnCue(t *testing.T) {
	t.Parallel()
	twoResults := []byte(`<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::111111111111:root</Arn><UserId>111111111111</UserId><Account>111111111111</Account></GetCallerIdentityResult><GetCallerIdentityResult><Arn>arn:aws:iam::222222222222:root</Arn><UserId>222222222222</UserId><Account>222222222222</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`)
	cases := []struct {
		name  string
		fault Fault
		check func(t *testing.T, res *http.Response, err error)
	}{
		{"throttling answers 400 Throttling with Rate exceeded", Throttling(), func(t *testing.T, res *http.Response, err error) {
			checkSTSError(t, res, 400, "Throttling", "Rate exceeded")
		}},
		{"an internal failure answers 500", InternalFailure(), func(t *testing.T, res *http.Response, err error) {
			checkSTSError(t, res, 500, "InternalFailure", "unknown error")
		}},
		{"an outage answers 503", ServiceUnavailable(), func(t *testing.T, res *http.Response, err error) {
			checkSTSError(t, res, 503, "ServiceUnavailable", "unable")
		}},
		{"a raw redirect is served as is", Raw(http.StatusFound, http.Header{"Location": {"https://evil.example/"}}, nil),
			func(t *testing.T, res *http.Response, err error) {
				if res.StatusCode != http.StatusFound || res.Header.Get("Location") != "https://evil.example/" {
					t.Errorf("got %d %v", res.StatusCode, res.Header)
				}
			}},
		{"a raw body with two results is served as is", Raw(200, http.Header{"Content-Type": {"text/xml"}}, twoResults),
			func(t *testing.T, res *http.Response, err error) {
				b, _ := io.ReadAll(res.Body)
				if res.StatusCode != 200 || !bytes.Equal(b, twoResults) {
					t.Errorf("got %d %q", res.StatusCode, b)
				}
			}},
		{"a huge body streams in full", RawStream(200, http.Header{"Content-Type": {"application/json"}},
			func() io.Reader { return io.LimitReader(zeros{}, 8<<20) }),
			func(t *testing.T, res *http.Response, err error) {
				n, _ := io.Copy(io.Discard, res.Body)
				if n != 8<<20 {
					t.Errorf("read %d bytes, want %d", n, 8<<20)
				}
			}},
		{"a never-ending body keeps coming until the client stops reading", NeverEnding(200, http.Header{"Content-Type": {"text/xml"}}),
			func(t *testing.T, res *http.Response, err error) {
				n, _ := io.Copy(io.Discard, io.LimitReader(res.Body, 4<<20))
				if n != 4<<20 {
					t.Errorf("read %d bytes before the end, want more than %d", n, 4<<20)
				}
			}},
		{"a short delay then answers normally", Delay(20 * time.Millisecond), func(t *testing.T, res *http.Response, err error) {
			if res.StatusCode != 200 {
				t.Errorf("status %d", res.StatusCode)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			srv := must(Serve(f.sts, ServeOptions{}))(t)
			t.Cleanup(func() { _ = srv.Close() })
			f.sts.Faults().Inject(tc.fault, 1)
			ctx := context.Background()
			// Like the verifier, never follow redirects.
			client := srv.Client()
			client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			res, err := sendProof(ctx, t, client, srv.URL, f.temp, testNow)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, res, err)
			_ = res.Body.Close()
			// The fault was for one request only.
			res, err = sendProof(ctx, t, client, srv.URL, f.temp, testNow)
			if err != nil {
				t.Fatal(err)
			}
			_ = res.Body.Close()
			if res.StatusCode != 200 {
				t.Errorf("the request after the fault got %d", res.StatusCode)
			}
			if n := f.sts.Requests(); n != 2 {
				t.Errorf("Requests() = %d, want 2", n)
			}
		})
	}
}

func TestADelayEndsWhenTheClientGivesUp(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.sts.Faults().Inject(Delay(time.Hour), 1)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	r := newSignedRequest(t, proofSpec(f.temp, testNow)).WithContext(ctx)
	start := time.Now()
	w := serve(f.sts, r)
	if time.Since(start) > 10*time.Second {
		t.Fatal("the delay ignored the request context")
	}
	if w.Body.Len() != 0 {
		t.Errorf("a cancelled delay wrote %q", w.Body)
	}

	// Over the network, the client sees its own deadline.
	srv := must(Serve(f.sts, ServeOptions{}))(t)
	t.Cleanup(func() { _ = srv.Close() })
	f.sts.Faults().Inject(Delay(time.Hour), 1)
	_, err := sendProof(ctx, t, srv.Client(), srv.URL, f.temp, testNow)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("client error %v, want a deadline", err)
	}
}

func TestFaultsQueueInOrderAndUntilReset(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	q := f.sts.Faults()
	q.Inject(Throttling(), 2)
	q.Inject(InternalFailure(), 1)
	if n := q.Pending(); n != 3 {
		t.Errorf("Pending = %d, want 3", n)
	}
	codes := func(n int) []int {
		var out []int
		for range n {
			out = append(out, serve(f.sts, newSignedRequest(t, proofSpec(f.temp, testNow))).Code)
		}
		return out
	}
	if got := codes(4); !slices.Equal(got, []int{400, 400, 500, 200}) {
		t.Errorf("statuses %v, want throttled twice, failed once, then answered", got)
	}
	q.Inject(ServiceUnavailable(), 0)
	if got := codes(3); !slices.Equal(got, []int{503, 503, 503}) || q.Pending() != -1 {
		t.Errorf("statuses %v, want an outage until reset", got)
	}
	q.Reset()
	if got := codes(1); got[0] != 200 {
		t.Errorf("after Reset got %v", got)
	}
	if n := f.sts.Requests(); n != 8 {
		t.Errorf("Requests() = %d, want 8", n)
	}
}

func TestFaultsAreSafeToInjectWhileServing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 20 {
				if i%2 == 0 {
					f.sts.Faults().Inject(Throttling(), 1)
				} else {
					serve(f.sts, newSignedRequest(t, proofSpec(f.temp, testNow)))
				}
			}
		})
	}
	wg.Wait()
	if n := f.sts.Requests(); n != 80 {
		t.Errorf("Requests() = %d, want 80", n)
	}
}

func TestIMDSFaultsUseThePlainTextShape(t *testing.T) {
	t.Parallel()
	f := newIMDSFixture(t)
	f.imds.Faults().Inject(ErrorFault(http.StatusTooManyRequests, "", "Too Many Requests"), 1)
	w := f.token(t, "60")
	if w.Code != http.StatusTooManyRequests || !strings.Contains(w.Body.String(), "Too Many Requests") {
		t.Errorf("got %d %q", w.Code, w.Body)
	}
	if w := f.token(t, "60"); w.Code != 200 || f.imds.Requests() != 2 {
		t.Errorf("after the fault: %d, %d requests", w.Code, f.imds.Requests())
	}
}
