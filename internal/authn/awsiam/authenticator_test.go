package awsiam

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"latch.dev/latch/internal/authn"
	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
)

func TestAuthenticatorMatchesTheVerifiedPrincipal(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	a := NewAuthenticator(r.v)
	identity := func(rule *iam.AWSIdentity) iam.Identity {
		return iam.Identity{ID: testIdentity, Name: "ec2", AWS: rule}
	}
	tutorial := &iam.AWSIdentity{Account: testAccount,
		ARNPattern:    `arn:aws:sts::123456789012:assumed-role/deploy/(.+)`,
		UserIDPattern: `AROA[A-Z0-9]+:(.+)`}

	if !a.Accepts(r.sign(t, testNow)) || a.Accepts("eyJhbGciOiJFUzI1NiJ9.e30.sig") || a.Kind() != iam.KindAWS {
		t.Fatal("Accepts/Kind do not tell AWS proofs from JWTs")
	}

	t.Run("a matching principal is accepted with an act claim and audit detail", func(t *testing.T) {
		res, err := a.Authenticate(context.Background(), r.sign(t, testNow.Add(-time.Second)), identity(tutorial))
		if err != nil {
			t.Fatal(err)
		}
		if res.Subject != r.role.Arn || res.Actor == nil || res.Actor.AWSAccount != testAccount || res.Actor.AWSUserID != r.role.UserID ||
			res.Actor.Issuer != r.url || res.Detail["sts_request_id"] == "" || res.Detail["endpoint"] != r.host {
			t.Errorf("result %+v, actor %+v", res, res.Actor)
		}
	})
	t.Run("a principal the rule does not accept is a no-match refusal naming the ARN", func(t *testing.T) {
		other := *tutorial
		other.ARNPattern = `arn:aws:sts::123456789012:assumed-role/other/(.+)`
		_, err := a.Authenticate(context.Background(), r.sign(t, testNow.Add(-2*time.Second)), identity(&other))
		var ref *authn.Refusal
		if !errors.As(err, &ref) || ref.Subject != r.role.Arn || ref.Detail["rules_failed"] != "arn" {
			t.Fatalf("error %v (refusal %+v)", err, ref)
		}
		if !errors.Is(err, authn.ErrNoMatch) || !errs.Is(err, errs.PermissionDenied) {
			t.Errorf("error %v is not a permission-denied no-match", err)
		}
		if msg := errs.Message(err); !strings.Contains(msg, "does not match the identity's ARN rule") || strings.Contains(msg, "assumed-role/other") {
			t.Errorf("message %q", msg)
		}
	})
	t.Run("a refused proof is a refusal naming the failed check", func(t *testing.T) {
		_, err := a.Authenticate(context.Background(), r.spec().without("Chainguard-Audience").proof(t), identity(tutorial))
		var ref *authn.Refusal
		if !errors.As(err, &ref) || ref.Detail["check"] != string(CheckBinding) || errors.Is(err, authn.ErrNoMatch) {
			t.Fatalf("error %v (refusal %+v)", err, ref)
		}
	})
}

func TestAnUpdatedIdentitysRuleTakesEffectAtOnce(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	a := NewAuthenticator(r.v)
	rule := iam.AWSIdentity{Account: testAccount,
		ARNPattern:    `arn:aws:sts::123456789012:assumed-role/deploy/(.+)`,
		UserIDPattern: `AROA[A-Z0-9]+:(.+)`}
	other := rule
	other.ARNPattern = `arn:aws:sts::123456789012:assumed-role/other/(.+)`

	// The same identity, with its rule changed and changed back, as a
	// store would return it after each update.
	for i, step := range []struct {
		rule   iam.AWSIdentity
		accept bool
	}{{rule, true}, {rule, true}, {other, false}, {rule, true}, {other, false}} {
		id := iam.Identity{ID: testIdentity, Name: "ec2", AWS: &step.rule}
		_, err := a.Authenticate(context.Background(), r.sign(t, testNow.Add(-time.Duration(i+1)*time.Second)), id)
		if step.accept && err != nil {
			t.Fatalf("exchange %d: %v", i, err)
		}
		if !step.accept && !errors.Is(err, authn.ErrNoMatch) {
			t.Fatalf("exchange %d: error %v, want a no-match refusal", i, err)
		}
	}
	if n := a.rules.Len(); n != 2 {
		t.Errorf("%d compiled rules kept for two distinct rules", n)
	}
}
