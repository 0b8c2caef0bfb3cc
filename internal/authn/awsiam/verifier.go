package awsiam

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
)

// Defaults and hard limits.
const (
	// DefaultMaxAge and the hard cap on it: STS itself accepts a signature
	// for 15 minutes, so a longer window would only be a lie.
	DefaultMaxAge = 15 * time.Minute
	maxMaxAge     = 15 * time.Minute
	// DefaultMaxFutureSkew tolerates a signer whose clock runs ahead.
	DefaultMaxFutureSkew = 5 * time.Minute
	maxMaxFutureSkew     = 15 * time.Minute

	DefaultTimeout        = 10 * time.Second
	DefaultAttemptTimeout = 4 * time.Second
	DefaultRetries        = 2
	DefaultRetryBackoff   = 200 * time.Millisecond
	maxRetryBackoff       = 2 * time.Second
	maxRetries            = 5
)

// Config configures a [Verifier]. Only Audiences is required.
type Config struct {
	// Audiences are the Chainguard-Audience values this server accepts,
	// normally just its own URL. A proof signed for any other audience was
	// meant for another relying party. Required.
	Audiences []string
	// Endpoints is the STS allowlist. The zero value accepts only
	// sts.amazonaws.com.
	Endpoints EndpointConfig

	// Replay records each proof's use so it is accepted once. Required
	// unless DisableReplayProtection is set (tests, or a deployment that
	// accepts replays within the time window knowingly).
	Replay                  ReplayStore
	DisableReplayProtection bool

	// MaxAge is how old a proof may be. Default and maximum 15 minutes.
	MaxAge time.Duration
	// MaxFutureSkew is how far ahead of the server's clock a proof may be
	// dated. Default 5 minutes, maximum 15.
	MaxFutureSkew time.Duration

	// Timeout bounds the whole exchange with STS, retries included.
	// Default 10 s.
	Timeout time.Duration
	// AttemptTimeout bounds one attempt. Default 4 s.
	AttemptTimeout time.Duration
	// Retries is how many times a failed attempt is retried: only
	// connection errors, timeouts, 5xx and throttling. Default 2; negative
	// means none; at most 5.
	Retries int
	// RetryBackoff is the base of the exponential backoff (full jitter,
	// capped at 2 s). Default 200 ms.
	RetryBackoff time.Duration

	// Transport carries requests to public AWS endpoints. Default: a
	// keep-alive HTTP/1.1 transport with the system roots, TLS 1.2+, no
	// compression, proxies from the environment (see newTransport).
	Transport http.RoundTripper

	// Limits bound decoding and the STS answer.
	Limits Limits

	// Now is the clock for the time window and replay expiry. Default
	// time.Now.
	Now func() time.Time
	// Jitter returns a random duration in [0, d), for retry backoff.
	// Default uses math/rand/v2.
	Jitter func(d time.Duration) time.Duration
	// Logger receives one record per refusal, with the cause and the
	// verified ARN when known. Default discards.
	Logger *slog.Logger
	// Registerer, when set, receives the verifier's metrics.
	Registerer prometheus.Registerer
}

// Verifier checks AWS proofs. It is safe for concurrent use and holds no
// state but its configuration, HTTP connection pools and metrics.
type Verifier struct {
	audiences      []string
	endpoints      *allowlist
	public         *http.Client
	custom         map[string]*http.Client // by endpoint host
	replay         ReplayStore
	maxAge         time.Duration
	maxFuture      time.Duration
	timeout        time.Duration
	attemptTimeout time.Duration
	retries        int
	backoff        time.Duration
	limits         Limits
	now            func() time.Time
	jitter         func(time.Duration) time.Duration
	log            *slog.Logger
	metrics        *metrics
}

// Result is what a verified proof establishes. When Verify refuses a
// proof it still returns what it learnt before refusing (the endpoint, the
// access key, STS's request ID, or the principal STS reported but latch
// did not accept), for the audit trail only.
type Result struct {
	// Principal is what STS reported for the signer.
	Principal iam.AWSPrincipal
	// Endpoint is the STS endpoint that answered.
	Endpoint Endpoint
	// RequestID is STS's request ID, for correlating with CloudTrail.
	RequestID string
	// AccessKeyID signed the proof (not a secret; useful in audits).
	AccessKeyID string
	// SignedAt is the proof's X-Amz-Date.
	SignedAt time.Time
	// Audience is the Chainguard-Audience the proof was bound to.
	Audience string
	// ReplayKey identifies the proof in the replay store and ReplayExpires
	// is when the claim lapses (the proof cannot be valid any more).
	ReplayKey     string
	ReplayExpires time.Time
	// Attempts is how many requests were sent to STS.
	Attempts int
}

// New builds a Verifier.
func New(c Config) (*Verifier, error) {
	v := &Verifier{
		maxAge:         c.MaxAge,
		maxFuture:      c.MaxFutureSkew,
		timeout:        c.Timeout,
		attemptTimeout: c.AttemptTimeout,
		retries:        c.Retries,
		backoff:        c.RetryBackoff,
		limits:         c.Limits.withDefaults(),
		now:            c.Now,
		jitter:         c.Jitter,
		log:            c.Logger,
		replay:         c.Replay,
	}
	if len(c.Audiences) == 0 {
		return nil, errors.New("aws verifier: at least one audience (the server URL) is required")
	}
	for _, a := range c.Audiences {
		if a == "" || canonicalValue(a) != a || strings.ContainsFunc(a, isControl) {
			return nil, fmt.Errorf("aws verifier: audience %q must be non-empty, without control characters or surrounding or repeated spaces", a)
		}
	}
	v.audiences = append([]string(nil), c.Audiences...)
	if c.Replay == nil && !c.DisableReplayProtection {
		return nil, errors.New("aws verifier: a replay store is required (or set DisableReplayProtection)")
	}
	switch {
	case v.maxAge == 0:
		v.maxAge = DefaultMaxAge
	case v.maxAge < 0 || v.maxAge > maxMaxAge:
		return nil, fmt.Errorf("aws verifier: MaxAge %s must be between 0 and %s", v.maxAge, maxMaxAge)
	}
	switch {
	case v.maxFuture == 0:
		v.maxFuture = DefaultMaxFutureSkew
	case v.maxFuture < 0 || v.maxFuture > maxMaxFutureSkew:
		return nil, fmt.Errorf("aws verifier: MaxFutureSkew %s must be between 0 and %s", v.maxFuture, maxMaxFutureSkew)
	}
	if v.timeout <= 0 {
		v.timeout = DefaultTimeout
	}
	if v.attemptTimeout <= 0 {
		v.attemptTimeout = DefaultAttemptTimeout
	}
	if v.attemptTimeout > v.timeout {
		v.attemptTimeout = v.timeout
	}
	switch {
	case v.retries == 0:
		v.retries = DefaultRetries
	case v.retries < 0:
		v.retries = 0
	case v.retries > maxRetries:
		return nil, fmt.Errorf("aws verifier: Retries %d is more than %d", v.retries, maxRetries)
	}
	if v.backoff <= 0 {
		v.backoff = DefaultRetryBackoff
	}
	if v.now == nil {
		v.now = time.Now
	}
	if v.jitter == nil {
		v.jitter = func(d time.Duration) time.Duration {
			if d <= 0 {
				return 0
			}
			return rand.N(d)
		}
	}
	if v.log == nil {
		v.log = slog.New(slog.DiscardHandler)
	}
	var customs []CustomEndpoint
	var err error
	if v.endpoints, customs, err = newAllowlist(c.Endpoints); err != nil {
		return nil, fmt.Errorf("aws verifier: %w", err)
	}
	tr := c.Transport
	if tr == nil {
		tr = newTransport(nil, v.limits)
	}
	v.public = newClient(tr)
	v.custom = make(map[string]*http.Client, len(customs))
	for _, ce := range customs {
		ep, _ := customEndpoint(ce) // validated by newAllowlist
		t := ce.Transport
		if t == nil {
			t = newTransport(ce.RootCAs, v.limits)
		}
		v.custom[ep.Host] = newClient(t)
	}
	if v.metrics, err = newMetrics(c.Registerer); err != nil {
		return nil, fmt.Errorf("aws verifier: %w", err)
	}
	return v, nil
}

// CloseIdleConnections closes the pooled connections to STS, for shutdown
// and for tests that count goroutines.
func (v *Verifier) CloseIdleConnections() {
	v.public.CloseIdleConnections()
	for _, c := range v.custom {
		c.CloseIdleConnections()
	}
}

// Verify checks proof for the identity the caller asked to assume and
// returns the principal STS vouches for. Every refusal is an *errs.Error
// whose message tells the caller which of its own inputs broke which rule;
// [FailedCheck] names the check for metrics and audit.
//
// The order matters: all local checks run before the replay claim, so a
// malformed proof cannot burn a good one's key, and the claim happens
// before forwarding, so two concurrent uses of one proof forward once.
func (v *Verifier) Verify(ctx context.Context, proof, identity string) (res Result, err error) {
	now := v.now()
	var (
		cp  *checkedProof
		arn string
	)
	defer func() { v.report(ctx, cp, identity, arn, res, err) }()

	if identity == "" {
		return Result{}, refuse(CheckInput, errs.Invalid, nil, "the identity to assume is required with an AWS proof: pass the identity's ID")
	}
	req, err := decodeProof(proof, v.limits)
	if err != nil {
		return Result{}, err
	}
	if cp, err = v.checkProof(req, identity, now); err != nil {
		return Result{}, err
	}
	res = Result{
		Endpoint:      cp.endpoint,
		AccessKeyID:   cp.auth.accessKeyID,
		SignedAt:      cp.signedAt,
		Audience:      cp.audience,
		ReplayKey:     replayKey(cp.auth),
		ReplayExpires: cp.signedAt.Add(v.maxAge + v.maxFuture),
	}
	if err = v.claim(ctx, res.ReplayKey, res.ReplayExpires, now); err != nil {
		return res, err
	}
	ans, err := v.forward(ctx, cp)
	res.Attempts, res.RequestID, res.Principal = ans.attempts, ans.requestID, ans.principal
	arn = ans.principal.ARN
	return res, err
}

// claim records the proof as used. The claim is not released when STS
// then fails: releasing would let a copy of the proof (it travelled in a
// bearer header) race the legitimate retry, and signing a new proof costs
// the client nothing but a local HMAC. The refusal messages say so.
func (v *Verifier) claim(ctx context.Context, key string, expires, now time.Time) error {
	if v.replay == nil {
		return nil
	}
	err := v.replay.ClaimProof(ctx, key, expires, now)
	switch {
	case err == nil:
		return nil
	case errs.Is(err, errs.AlreadyExists):
		return refuse(CheckReplay, errs.Unauthenticated, err, "this AWS proof was already used; proofs are single-use: sign a new one")
	default:
		return refuse(CheckReplay, errs.Unavailable, err, "the server could not record the use of this AWS proof; try again with a new proof")
	}
}

// report logs the outcome and counts it.
func (v *Verifier) report(ctx context.Context, cp *checkedProof, identity, arn string, res Result, err error) {
	endpoint := ""
	if cp != nil {
		endpoint = cp.endpoint.Host
	}
	if err == nil {
		v.metrics.verified(endpoint, "accepted")
		v.log.LogAttrs(ctx, slog.LevelDebug, "aws proof verified",
			slog.String("endpoint", endpoint), slog.String("identity", identity),
			slog.String("arn", res.Principal.ARN), slog.String("access_key_id", res.AccessKeyID),
			slog.String("sts_request_id", res.RequestID), slog.Int("attempts", res.Attempts))
		return
	}
	check := FailedCheck(err)
	v.metrics.verified(endpoint, string(check))
	level := slog.LevelInfo
	if k := errs.KindOf(err); k == errs.Unavailable || k == errs.Internal {
		level = slog.LevelWarn
	}
	attrs := []slog.Attr{
		slog.String("check", string(check)),
		slog.String("code", errs.KindOf(err).String()),
		slog.String("identity", identity),
		slog.String("endpoint", endpoint),
		slog.String("error", err.Error()),
	}
	if cp != nil {
		attrs = append(attrs, slog.String("access_key_id", cp.auth.accessKeyID))
	}
	if arn != "" {
		attrs = append(attrs, slog.String("arn", arn))
	}
	if res.RequestID != "" {
		attrs = append(attrs, slog.String("sts_request_id", res.RequestID), slog.Int("attempts", res.Attempts))
	}
	v.log.LogAttrs(ctx, level, "aws proof refused", attrs...)
}
