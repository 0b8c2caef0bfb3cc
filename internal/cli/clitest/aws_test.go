package clitest_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/rogpeppe/go-internal/testscript"

	"latch.dev/latch/internal/authn/awsiam"
	"latch.dev/latch/internal/cli/clitest"
	"latch.dev/latch/internal/fakeaws"
	"latch.dev/latch/internal/server/servertest"
)

// TestAWSScripts runs the scripts in testdata/aws against a server that
// trusts a fake STS, so that identities made with `create aws role|user`
// are assumed for real: the scripts sign proofs with the commands below
// and log in with `latch auth login --identity-token`.
//
//	awsprincipal role NAME       a new role NAME (fresh AROA… ID) in account
//	awsprincipal user PATH NAME  a new IAM user (fresh AIDA… ID)
//	                             123456789012; both set $AWS_ARN,
//	                             $AWS_USER_ID (as STS reports them) and
//	                             $AWS_UNIQUE_ID (the AROA…/AIDA… ID)
//	awsproof role|user NAME IDENTITY
//	                             sets $PROOF to a proof signed by that
//	                             principal's keys for IDENTITY, bound to
//	                             the server
func TestAWSScripts(t *testing.T) {
	fake := servertest.StartFakeAWS(t)
	srv := servertest.Start(t, fake.Trust())
	p := clitest.Params("testdata/aws", loginAsAdmin(srv), func(env *testscript.Env) error {
		env.Values[principalsKey{}] = &principals{creds: map[string]aws.Credentials{}}
		env.Setenv("AWS_ACCOUNT", fake.IMDS.Principal().Account)
		return nil
	})
	p.Cmds["awsprincipal"] = func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) < 2 {
			ts.Fatalf("usage: awsprincipal role NAME | awsprincipal user PATH NAME")
		}
		p, creds, err := newPrincipal(fake, args)
		ts.Check(err)
		ts.Check(fake.Registry.Add(creds, p))
		ts.Value(principalsKey{}).(*principals).add(args[0]+" "+args[len(args)-1], aws.Credentials{
			AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey, SessionToken: creds.SessionToken,
		})
		ts.Setenv("AWS_ARN", p.Arn)
		ts.Setenv("AWS_USER_ID", p.UserID)
		uid, _, _ := strings.Cut(p.UserID, ":")
		ts.Setenv("AWS_UNIQUE_ID", uid)
	}
	p.Cmds["awsproof"] = func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 3 {
			ts.Fatalf("usage: awsproof role|user NAME IDENTITY")
		}
		creds, ok := ts.Value(principalsKey{}).(*principals).get(args[0] + " " + args[1])
		if !ok {
			ts.Fatalf("awsproof: no %s %q; make it with awsprincipal", args[0], args[1])
		}
		proof, err := awsiam.Sign(context.Background(), creds, fake.STSServer.URL, "us-east-1", args[2], srv.URL, time.Now())
		ts.Check(err)
		ts.Setenv("PROOF", proof)
	}
	testscript.Run(t, p)
}

type principalsKey struct{}

// principals are the keys of the principals one script made, by kind
// and name ("role app").
type principals struct {
	mu    sync.Mutex
	creds map[string]aws.Credentials
}

func (p *principals) add(name string, c aws.Credentials) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.creds[name] = c
}

func (p *principals) get(name string) (aws.Credentials, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.creds[name]
	return c, ok
}

// newPrincipal makes a principal and its keys (temporary ones for a role
// session, long-term ones for a user) for the caller to register.
func newPrincipal(fake *servertest.FakeAWS, args []string) (fakeaws.Principal, fakeaws.Credentials, error) {
	account := fake.IMDS.Principal().Account
	switch {
	case args[0] == "role" && len(args) == 2:
		id, err := fakeaws.NewRoleID(nil)
		if err != nil {
			return fakeaws.Principal{}, fakeaws.Credentials{}, err
		}
		p, err := fakeaws.AssumedRole(fakeaws.PartitionAWS, account, args[1], id, "i-0123456789abcdef0")
		if err != nil {
			return fakeaws.Principal{}, fakeaws.Credentials{}, err
		}
		c, err := fakeaws.NewTemporaryCredentials(nil, time.Now().Add(6*time.Hour))
		return p, c, err
	case args[0] == "user" && len(args) == 3:
		id, err := fakeaws.NewUserID(nil)
		if err != nil {
			return fakeaws.Principal{}, fakeaws.Credentials{}, err
		}
		p, err := fakeaws.IAMUser(fakeaws.PartitionAWS, account, args[1], args[2], id)
		if err != nil {
			return fakeaws.Principal{}, fakeaws.Credentials{}, err
		}
		c, err := fakeaws.NewLongTermCredentials(nil)
		return p, c, err
	}
	return fakeaws.Principal{}, fakeaws.Credentials{}, fmt.Errorf("usage: awsprincipal role NAME | awsprincipal user PATH NAME")
}
