package server_test

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"connectrpc.com/connect"

	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
	"latch.dev/latch/internal/ratelimit"
	"latch.dev/latch/internal/server"
	"latch.dev/latch/internal/server/servertest"
)

// rawExchange posts a proof and returns the status, the Retry-After header
// and the error message, if any.
func rawExchange(t *testing.T, s *servertest.Server, proof, identity string) (int, string, string) {
	t.Helper()
	a, err := servertest.PostExchange(t.Context(), http.DefaultClient, s.URL, proof, identity)
	if err != nil {
		t.Fatal(err)
	}
	return a.Status, a.RetryAfter, a.Message
}

// limitedWorld is a server with rate limits, a fake AWS and one AWS
// identity with its credentials.
func limitedWorld(t *testing.T, rl ratelimit.Limits) (*servertest.Server, *servertest.FakeAWS, string, func() string) {
	t.Helper()
	a := servertest.StartFakeAWS(t)
	s := servertest.Start(t, a.Trust(), servertest.WithConfig(func(c *server.Config) { c.RateLimit = rl }))
	ctx := context.Background()
	org, err := s.AdminAPI().Groups.Create(ctx, connect.NewRequest(&iamv1.CreateGroupRequest{Group: &iamv1.Group{Name: "acme.dev"}}))
	if err != nil {
		t.Fatal(err)
	}
	creds, p := a.Role(t, "deployer", "session-1")
	id, err := s.AdminAPI().Identities.Create(ctx, connect.NewRequest(&iamv1.CreateIdentityRequest{
		ParentId: org.Msg.GetId(),
		Identity: &iamv1.Identity{Name: "deployer", Relationship: &iamv1.Identity_AwsIdentity{AwsIdentity: &iamv1.AWSIdentity{
			AwsAccount: p.Account,
			AwsArn:     &iamv1.AWSIdentity_Arn{Arn: p.Arn},
			AwsUserId:  &iamv1.AWSIdentity_UserIdPattern{UserIdPattern: regexp.QuoteMeta(strings.Split(p.UserID, ":")[0]) + ":.+"},
		}}},
	}))
	if err != nil {
		t.Fatal(err)
	}
	// Each proof carries a signed random nonce, so one key signs as many
	// distinct proofs as the test needs.
	proof := func() string { return s.Proof(t, a, creds, id.Msg.GetId()) }
	return s, a, id.Msg.GetId(), proof
}

func TestExchangesOverALimitGetA429ThatSaysWhichAndWhen(t *testing.T) {
	t.Parallel()
	t.Run("per identity", func(t *testing.T) {
		t.Parallel()
		s, _, id, proof := limitedWorld(t, ratelimit.Limits{PerIdentity: 0.01, PerIdentityBurst: 2})
		for i := range 2 {
			if code, _, msg := rawExchange(t, s, proof(), id); code != http.StatusOK {
				t.Fatalf("exchange %d within the burst: %d %s", i+1, code, msg)
			}
		}
		code, retry, msg := rawExchange(t, s, proof(), id)
		if code != http.StatusTooManyRequests {
			t.Fatalf("third exchange: %d %s, want 429", code, msg)
		}
		if n, err := strconv.Atoi(retry); err != nil || n < 90 || n > 100 {
			t.Errorf("Retry-After %q, want about 100 seconds (one token at 0.01 a second)", retry)
		}
		for _, want := range []string{"identity " + id, "0.01 a second per identity", "retry in"} {
			if !strings.Contains(msg, want) {
				t.Errorf("message %q does not say %q", msg, want)
			}
		}
		if got := metric(t, s, `latch_exchange_rate_limited_total{by="identity"}`); got != "1" {
			t.Errorf(`latch_exchange_rate_limited_total{by="identity"} = %q, want 1`, got)
		}
	})
	t.Run("per source address", func(t *testing.T) {
		t.Parallel()
		s, _, id, proof := limitedWorld(t, ratelimit.Limits{PerIP: 0.5, PerIPBurst: 1})
		if code, _, msg := rawExchange(t, s, proof(), id); code != http.StatusOK {
			t.Fatalf("first exchange: %d %s", code, msg)
		}
		code, retry, msg := rawExchange(t, s, proof(), id)
		if code != http.StatusTooManyRequests || retry != "2" || !strings.Contains(msg, "from your address 127.0.0.1") {
			t.Errorf("second exchange: %d, Retry-After %q, %q; want 429 after 2s naming the address", code, retry, msg)
		}
		if got := metric(t, s, `latch_exchange_rate_limited_total{by="ip"}`); got != "1" {
			t.Errorf(`latch_exchange_rate_limited_total{by="ip"} = %q, want 1`, got)
		}
	})
	t.Run("without limits the counter is still exported", func(t *testing.T) {
		t.Parallel()
		s := servertest.Start(t)
		if got := metric(t, s, `latch_exchange_rate_limited_total{by="ip"}`); got != "0" {
			t.Errorf(`latch_exchange_rate_limited_total{by="ip"} = %q, want 0`, got)
		}
	})
}

// metric returns the value of one series from /metrics, or "".
func metric(t *testing.T, s *servertest.Server, series string) string {
	t.Helper()
	m, err := servertest.Metrics(http.DefaultClient, s.URL)
	if err != nil {
		t.Fatal(err)
	}
	v, ok := m[series]
	if !ok {
		return ""
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}
