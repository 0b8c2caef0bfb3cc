package awsiam

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"latch.dev/latch/internal/authn"
	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/token"
)

// Authenticator plugs a Verifier into the exchange's authenticator
// registry: it verifies the proof for the identity being assumed, then
// matches the principal STS vouched for against the identity's
// aws_identity rule.
type Authenticator struct {
	v *Verifier
	// rules holds the compiled rules of recently assumed identities, keyed
	// by the rule's value: compiling an identity's patterns on every
	// exchange was a twentieth of the server's CPU. An identity whose rule
	// is updated has a new key and compiles anew, so nothing needs to be
	// invalidated, and a stale entry only ages out.
	rules *lru.Cache[iam.AWSIdentity, *iam.AWSRule]
}

// ruleCacheSize bounds the compiled rules kept. Each is a few kilobytes
// (two small RE2 programs); a server with more identities than this in
// use at once compiles some of them more than once, as it did before it
// kept any.
const ruleCacheSize = 1024

// NewAuthenticator returns the registry's AWS authenticator.
func NewAuthenticator(v *Verifier) *Authenticator {
	rules, err := lru.New[iam.AWSIdentity, *iam.AWSRule](ruleCacheSize)
	if err != nil { // only for a size below one
		panic(fmt.Sprintf("aws authenticator: rule cache: %v", err))
	}
	return &Authenticator{v: v, rules: rules}
}

// rule returns the identity's compiled rule, compiling it on first use.
// Two exchanges racing on a new rule may both compile it; either result
// is the same.
func (a *Authenticator) rule(id *iam.AWSIdentity) *iam.AWSRule {
	if r, ok := a.rules.Get(*id); ok {
		return r
	}
	r := id.Compile()
	a.rules.Add(*id, r)
	return r
}

var _ authn.Authenticator = (*Authenticator)(nil)

// Kind implements authn.Authenticator.
func (a *Authenticator) Kind() iam.IdentityKind { return iam.KindAWS }

// Accepts implements authn.Authenticator: raw is base64 (either alphabet)
// of something whose first line looks like an HTTP request line. It
// verifies nothing; a malformed request still "looks like" a proof so the
// caller gets the verifier's precise refusal rather than "wrong kind".
func (a *Authenticator) Accepts(raw string) bool {
	if len(raw) > a.v.limits.MaxProofBytes {
		return true // an AWS proof that is too big: let Verify say so
	}
	b, err := decodeBase64(raw)
	if err != nil {
		return false
	}
	first, _, _ := strings.Cut(string(b), "\n")
	return strings.Contains(first, " HTTP/")
}

// Authenticate implements authn.Authenticator. The identity's ID is what
// the proof's Chainguard-Identity header must name. Refusals carry the
// STS-verified ARN, when there is one, for the audit trail; a principal
// that STS vouched for but the identity's rule does not accept is marked
// authn.NoMatch.
func (a *Authenticator) Authenticate(ctx context.Context, raw string, id iam.Identity) (authn.Result, error) {
	if id.AWS == nil {
		return authn.Result{}, errs.New(errs.PermissionDenied, "identity %s cannot be assumed with an AWS proof", id.Name)
	}
	res, err := a.v.Verify(ctx, raw, id.ID)
	if err != nil {
		return authn.Result{}, &authn.Refusal{Subject: res.Principal.ARN, Detail: Detail(res, err), Err: err}
	}
	verdict := a.rule(id.AWS).Check(res.Principal)
	if err := verdict.Err(); err != nil {
		d := Detail(res, nil)
		var failed []string
		for _, c := range verdict.Failed() {
			failed = append(failed, c.Field)
		}
		d["rules_failed"] = strings.Join(failed, ",")
		return authn.Result{}, &authn.Refusal{Subject: res.Principal.ARN, Detail: d, Err: authn.NoMatch(err)}
	}
	return authn.Result{
		Subject: res.Principal.ARN,
		Actor: &token.Actor{
			Issuer:     res.Endpoint.URL,
			Subject:    res.Principal.ARN,
			AWSAccount: res.Principal.Account,
			AWSUserID:  res.Principal.UserID,
		},
		Detail: Detail(res, nil),
	}, nil
}

// Detail is what an audit event should record about a verification:
// where the proof was sent, what STS said, and, for a refusal, which check
// refused it. It holds no secret (the access key ID is not one).
func Detail(res Result, err error) map[string]string {
	d := map[string]string{}
	add := func(k, v string) {
		if v != "" {
			d[k] = v
		}
	}
	add("endpoint", res.Endpoint.Host)
	add("region", res.Endpoint.Region)
	add("partition", res.Endpoint.Partition)
	add("access_key_id", res.AccessKeyID)
	add("account", res.Principal.Account)
	add("user_id", res.Principal.UserID)
	add("sts_request_id", res.RequestID)
	add("replay_key", res.ReplayKey)
	if !res.SignedAt.IsZero() {
		d["signed_at"] = res.SignedAt.UTC().Format(time.RFC3339)
	}
	if res.Attempts > 0 {
		d["sts_attempts"] = strconv.Itoa(res.Attempts)
	}
	if err != nil {
		add("check", string(FailedCheck(err)))
	}
	return d
}
