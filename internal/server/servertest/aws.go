package servertest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"latch.dev/latch/internal/authn/awsiam"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/fakeaws"
	"latch.dev/latch/internal/server"
)

// FakeAWS is a fake AWS (SigV4-checking STS over TLS, IMDSv2) that a test
// server can trust.
type FakeAWS struct {
	*fakeaws.Env
	// CAFile holds the STS's CA certificate.
	CAFile string
}

// StartFakeAWS starts a fake AWS that lives until the test ends.
func StartFakeAWS(t testing.TB) *FakeAWS {
	t.Helper()
	env, err := fakeaws.Start(fakeaws.Config{})
	if err != nil {
		t.Fatalf("start fake AWS: %v", err)
	}
	t.Cleanup(func() { env.Close() })
	ca := filepath.Join(t.TempDir(), "sts-ca.pem")
	if err := os.WriteFile(ca, env.STSServer.CAPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return &FakeAWS{Env: env, CAFile: ca}
}

// Trust makes the server accept proofs signed for this fake STS, and no
// public AWS endpoint.
func (a *FakeAWS) Trust() Option {
	return func(c *server.Config) {
		c.AWS = server.AWSConfig{Endpoints: []string{a.STSServer.URL}, CAFile: a.CAFile, NoPublic: true}
	}
}

// Role registers a new assumed-role principal (role name, any session)
// with its own credentials, as a second workload in the account.
func (a *FakeAWS) Role(t testing.TB, role, session string) (aws.Credentials, fakeaws.Principal) {
	t.Helper()
	roleID, err := fakeaws.NewRoleID(nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := fakeaws.AssumedRole(fakeaws.PartitionAWS, a.IMDS.Principal().Account, role, roleID, session)
	if err != nil {
		t.Fatal(err)
	}
	c, err := fakeaws.NewTemporaryCredentials(nil, time.Now().Add(6*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Registry.Add(c, p); err != nil {
		t.Fatal(err)
	}
	return aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}, p
}

// InstanceCredentials are the fake EC2 instance role's current keys.
func (a *FakeAWS) InstanceCredentials() aws.Credentials {
	c := a.IMDS.Credentials()
	return aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}
}

// Proof signs a fresh AWS proof for identity, bound to the server.
func (s *Server) Proof(t testing.TB, a *FakeAWS, creds aws.Credentials, identity string) string {
	t.Helper()
	p, err := awsiam.Sign(context.Background(), creds, a.STSServer.URL, "us-east-1", identity, s.URL, time.Now())
	if err != nil {
		t.Fatalf("sign proof: %v", err)
	}
	return p
}

// AssumeAWS exchanges a fresh proof signed with creds for a token of
// identity, failing the test if the exchange is refused.
func (s *Server) AssumeAWS(t testing.TB, a *FakeAWS, creds aws.Credentials, identity string, req ...client.ExchangeRequest) client.Token {
	t.Helper()
	r := client.ExchangeRequest{Identity: identity}
	if len(req) > 0 {
		r = req[0]
		r.Identity = identity
	}
	tok, err := s.Client().Exchange(context.Background(), s.Proof(t, a, creds, identity), r)
	if err != nil {
		t.Fatalf("exchange for %s: %v", identity, err)
	}
	return tok
}
