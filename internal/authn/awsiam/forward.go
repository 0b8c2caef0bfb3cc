package awsiam

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
)

// userAgent identifies latch to STS (unsigned, so it changes nothing).
const userAgent = "latch-aws-verifier"

// maxIdleSTSConns is how many idle keep-alive connections to one STS
// endpoint the transport keeps: enough for the exchanges in flight at a
// few thousand a second, so that a busy server does not open (and pay a
// TLS handshake for) a connection per exchange.
const maxIdleSTSConns = 128

// newTransport is the default transport: verified TLS (the system roots,
// or roots for an operator endpoint) with session resumption, HTTP/1.1
// keep-alive connections, no transparent decompression (so the body cap
// is a cap on bytes received), and bounded header sizes.
//
// HTTP/1.1 rather than HTTP/2: the AWS SDKs talk HTTP/1.1 to STS too, and
// for small request/answer pairs Go's HTTP/1.1 client and server cost
// about a third less CPU per request than HTTP/2, whose frames pass
// through extra goroutines on both ends (see docs/performance.md). The
// price is one connection per concurrent request instead of one shared
// connection, which the idle pool keeps open between exchanges.
func newTransport(roots *x509.CertPool, lim Limits) *http.Transport {
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   5 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		TLSClientConfig: &tls.Config{
			RootCAs:            roots,
			MinVersion:         tls.VersionTLS12,
			ClientSessionCache: tls.NewLRUClientSessionCache(maxIdleSTSConns),
		},
		TLSHandshakeTimeout:    5 * time.Second,
		DisableCompression:     true,
		MaxIdleConns:           maxIdleSTSConns,
		MaxIdleConnsPerHost:    maxIdleSTSConns,
		IdleConnTimeout:        90 * time.Second,
		MaxResponseHeaderBytes: int64(lim.MaxResponseBytes),
	}
}

// newClient never follows redirects: a 3xx from an STS look-alike must not
// send the signed proof (or latch) anywhere else (Vault #3983).
func newClient(tr http.RoundTripper) *http.Client {
	return &http.Client{
		Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// stsAnswer is the outcome of forwarding.
type stsAnswer struct {
	principal iam.AWSPrincipal
	requestID string
	attempts  int
}

// outcome classifies one attempt.
type outcome string

const (
	outcomeOK        outcome = "ok"
	outcomeRedirect  outcome = "redirect"
	outcomeRejected  outcome = "rejected"
	outcomeThrottled outcome = "throttled"
	outcomeServer    outcome = "server_error"
	outcomeTransport outcome = "transport_error"
	outcomeTimeout   outcome = "timeout"
	outcomeTooLarge  outcome = "too_large"
	outcomeCanceled  outcome = "canceled"
)

// retryable: connection errors, timeouts, 5xx and throttling may succeed
// on a second try; nothing else will.
func (o outcome) retryable() bool {
	switch o {
	case outcomeThrottled, outcomeServer, outcomeTransport, outcomeTimeout:
		return true
	}
	return false
}

// attempt is one request and its (capped) answer.
type attempt struct {
	outcome  outcome
	status   int
	header   http.Header
	body     []byte
	err      error
	stsError stsError
}

// forward sends the rebuilt request to the endpoint, retrying a bounded
// number of times with jittered backoff, all within the total timeout.
func (v *Verifier) forward(ctx context.Context, cp *checkedProof) (stsAnswer, error) {
	ctx, cancel := context.WithTimeout(ctx, v.timeout)
	defer cancel()
	client := v.public
	if cp.endpoint.Custom {
		client = v.custom[cp.endpoint.Host]
	}
	var a attempt
	ans := stsAnswer{}
	for {
		ans.attempts++
		start := time.Now()
		a = v.send(ctx, client, cp)
		v.metrics.attempt(cp.endpoint.Host, a.outcome, time.Since(start))
		if !a.outcome.retryable() || ans.attempts > v.retries || ctx.Err() != nil {
			break
		}
		wait := v.jitter(min(v.backoff<<(ans.attempts-1), maxRetryBackoff))
		if a.outcome == outcomeThrottled {
			// Throttling means STS wants fewer requests: wait at least the
			// base backoff, never retry at once.
			wait += v.backoff
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= wait {
			break
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
		}
		t.Stop()
		if ctx.Err() != nil {
			break
		}
	}
	ans.requestID = requestID(a.header)
	return v.interpret(ctx, cp, a, ans)
}

// send makes one attempt with its own timeout. The request is new each
// time and carries only what checkProof selected.
func (v *Verifier) send(ctx context.Context, client *http.Client, cp *checkedProof) attempt {
	actx, cancel := context.WithTimeout(ctx, v.attemptTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, cp.endpoint.URL+"/?"+gciQuery, http.NoBody)
	if err != nil {
		return attempt{outcome: outcomeTransport, err: err}
	}
	req.Host = cp.endpoint.Host
	for _, h := range cp.forward {
		req.Header[http.CanonicalHeaderKey(h.name)] = []string{h.value}
	}
	req.Header.Del("Content-Length") // the transport writes it from the empty body
	req.Header.Set("User-Agent", userAgent)
	res, err := client.Do(req)
	if err != nil {
		return attempt{outcome: transportOutcome(ctx, actx, err), err: err}
	}
	defer res.Body.Close()
	a := attempt{status: res.StatusCode, header: res.Header}
	a.body, err = io.ReadAll(io.LimitReader(res.Body, int64(v.limits.MaxResponseBytes)+1))
	switch {
	case len(a.body) > v.limits.MaxResponseBytes:
		a.outcome, a.err = outcomeTooLarge, fmt.Errorf("STS answer is larger than %d bytes", v.limits.MaxResponseBytes)
		return a
	case err != nil:
		a.outcome, a.err = transportOutcome(ctx, actx, err), fmt.Errorf("read STS answer: %w", err)
		return a
	}
	switch s := res.StatusCode; {
	case s == http.StatusOK:
		a.outcome = outcomeOK
	case s >= 300 && s < 400:
		a.outcome = outcomeRedirect
	case s >= 500:
		a.outcome = outcomeServer
		a.stsError = parseSTSError(a.body)
	default:
		a.stsError = parseSTSError(a.body)
		a.outcome = outcomeRejected
		if s == http.StatusTooManyRequests || a.stsError.throttling() {
			a.outcome = outcomeThrottled
		}
	}
	return a
}

// transportOutcome tells a timeout of the attempt (retryable) from the
// caller going away (not).
func transportOutcome(ctx, actx context.Context, err error) outcome {
	switch {
	case ctx.Err() != nil && errors.Is(ctx.Err(), context.Canceled):
		return outcomeCanceled
	case ctx.Err() != nil, actx.Err() != nil:
		return outcomeTimeout
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return outcomeTimeout
	}
	return outcomeTransport
}

// interpret turns the last attempt into the answer or the refusal.
func (v *Verifier) interpret(ctx context.Context, cp *checkedProof, a attempt, ans stsAnswer) (stsAnswer, error) {
	host := cp.endpoint.Host
	tries := "after 1 attempt"
	if ans.attempts > 1 {
		tries = fmt.Sprintf("after %d attempts", ans.attempts)
	}
	retry := "try again later with a new proof (this one is used up)"
	cause := func(what string) error {
		if a.err != nil {
			return fmt.Errorf("%s at %s %s: %w", what, host, tries, a.err)
		}
		return fmt.Errorf("%s at %s %s: HTTP %d %s %s", what, host, tries, a.status, a.stsError.Code, a.stsError.Message)
	}
	switch a.outcome {
	case outcomeOK:
		p, rid, err := parseAnswer(a, cp, v.limits)
		if rid != "" {
			ans.requestID = rid
		}
		ans.principal = p
		return ans, err
	case outcomeRedirect:
		return ans, refuse(CheckSTS, errs.Unavailable, cause("redirect"),
			"AWS STS at %s answered with a redirect (HTTP %d), which latch never follows; the proof was not accepted", host, a.status)
	case outcomeRejected:
		if a.status == http.StatusForbidden || a.stsError.signatureProblem() {
			return ans, refuse(CheckSTS, errs.Unauthenticated, cause("rejected"),
				"AWS STS rejected the signature: %s; sign a new proof with valid credentials", a.stsError.describe(a.status))
		}
		return ans, refuse(CheckSTS, errs.Unauthenticated, cause("rejected"),
			"AWS STS refused the proof: %s", a.stsError.describe(a.status))
	case outcomeThrottled:
		return ans, refuse(CheckSTS, errs.ResourceExhausted, cause("throttled"),
			"AWS STS is throttling requests (%s, %s); wait a few seconds, then sign a new proof and try again", a.stsError.describe(a.status), tries)
	case outcomeServer:
		return ans, refuse(CheckSTS, errs.Unavailable, cause("server error"),
			"AWS STS at %s failed with HTTP %d %s; %s", host, a.status, tries, retry)
	case outcomeTooLarge:
		return ans, refuse(CheckResponse, errs.Unavailable, cause("oversized answer"),
			"AWS STS at %s answered with more than %d bytes, which latch does not read; the proof was not accepted", host, v.limits.MaxResponseBytes)
	case outcomeCanceled:
		return ans, refuse(CheckSTS, errs.Unavailable, errors.Join(ctx.Err(), cause("canceled")),
			"the request was cancelled before AWS STS answered")
	case outcomeTimeout:
		return ans, refuse(CheckSTS, errs.Unavailable, cause("timeout"),
			"AWS STS at %s did not answer in time %s; %s", host, tries, retry)
	default:
		return ans, refuse(CheckSTS, errs.Unavailable, cause("connection"),
			"latch could not reach AWS STS at %s %s; %s", host, tries, retry)
	}
}

// requestID is STS's request ID header, checked to be printable.
func requestID(h http.Header) string {
	id := h.Get("X-Amzn-Requestid")
	if !printable(id, 128) {
		return ""
	}
	return id
}
