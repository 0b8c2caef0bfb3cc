package reliability

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/aws/aws-sdk-go-v2/aws"

	"latch.dev/latch/internal/authn/awsiam"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/fakeaws"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
	"latch.dev/latch/internal/server/servertest"
	"latch.dev/latch/internal/testutil/latchproc"
)

// secret is the bootstrap secret of every test server.
const secret = "latch_bs_reliability-secret-reliability-secret"

// world is a fake AWS, a `latch server` child process that trusts it, the
// bootstrap administrator, an organization and one AWS identity.
type world struct {
	aws    *fakeaws.Env
	caFile string
	srv    *latchproc.Server
	// url is the server's public URL: the issuer, and the audience proofs
	// are bound to. It differs from srv.URL behind a proxy.
	url       string
	admin     client.Token
	org       string
	identity  string
	principal fakeaws.Principal
	// plain is an HTTP client without keep-alive, so that the tests' own
	// idle connections do not count as the server's.
	plain *http.Client
}

// options change how the world's server runs.
type options struct {
	db   string   // --db; SQLite in a temporary directory when empty
	url  string   // --url; the server's own address when empty
	args []string // more flags
	// aws reuses another world's fake AWS (replicas share one).
	aws *fakeaws.Env
	// noSetup skips the bootstrap and the organization (replicas after the
	// first find them made).
	noSetup bool
}

// newWorld starts everything and arranges for it to stop when t ends.
func newWorld(t *testing.T, o options) *world {
	t.Helper()
	w := &world{plain: &http.Client{Timeout: time.Minute, Transport: &http.Transport{DisableKeepAlives: true}}}
	dir := t.TempDir()
	w.aws = o.aws
	if w.aws == nil {
		env, err := fakeaws.Start(fakeaws.Config{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { env.Close() })
		w.aws = env
	}
	w.caFile = filepath.Join(dir, "sts-ca.pem")
	if err := os.WriteFile(w.caFile, w.aws.STSServer.CAPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	args := append([]string{
		"--sts-endpoint", w.aws.STSServer.URL, "--sts-ca-file", w.caFile, "--sts-no-public",
		"--rate-limit-per-identity", "0",
	}, o.args...)
	w.start(t, latchproc.Config{Bin: bin(t), DataDir: filepath.Join(dir, "data"), DB: o.db, URL: o.url, BootstrapSecret: secret, Args: args})
	w.url = w.srv.URL
	if o.url != "" {
		w.url = o.url
	}
	if o.noSetup {
		return w
	}
	ctx := context.Background()
	var err error
	if w.admin, err = w.client(w.srv.URL).Bootstrap(ctx, secret, "admin"); err != nil {
		t.Fatalf("bootstrap: %v", err)
	}
	org, err := w.api(w.srv.URL).Groups.Create(ctx, connect.NewRequest(&iamv1.CreateGroupRequest{Group: &iamv1.Group{Name: "acme.dev"}}))
	if err != nil {
		t.Fatalf("create organization: %v", err)
	}
	w.org = org.Msg.GetId()
	w.identity, w.principal = w.newIdentity(t, w.srv.URL, "deployer")
	return w
}

// start starts the server process and waits until it is ready; the
// process is killed when t ends.
func (w *world) start(t *testing.T, cfg latchproc.Config) {
	t.Helper()
	w.srv = startServer(t, "latch server", cfg)
}

// startServer starts a `latch server` process and waits until it is
// ready. When t ends the process is killed, and if t failed the end of its
// log, headed by name, is in the test's output.
func startServer(t *testing.T, name string, cfg latchproc.Config) *latchproc.Server {
	t.Helper()
	srv, err := latchproc.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = srv.Kill()
		if t.Failed() {
			t.Logf("%s log (the end):\n%s", name, tail(srv.Stderr(), 30))
		}
	})
	if _, err := srv.WaitReady(30 * time.Second); err != nil {
		t.Fatal(err)
	}
	return srv
}

// restart starts the server again on the same data directory, database
// and port, after it stopped or was killed.
func (w *world) restart(t *testing.T) {
	t.Helper()
	w.start(t, w.srv.Config())
}

// client is an unauthenticated client of base (a replica or the proxy).
func (w *world) client(base string) *client.Client {
	return client.New(base, w.plain, "latch-reliability")
}

// api is the administrator's API at base.
func (w *world) api(base string) *client.API {
	return w.client(base).API(client.StaticToken(w.admin.Token))
}

// newIdentity registers a fake AWS role and creates an identity in the
// organization that its sessions may assume.
func (w *world) newIdentity(t *testing.T, base, name string) (string, fakeaws.Principal) {
	t.Helper()
	roleID, err := fakeaws.NewRoleID(nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := fakeaws.AssumedRole(fakeaws.PartitionAWS, "123456789012", name, roleID, "session")
	if err != nil {
		t.Fatal(err)
	}
	id, err := w.api(base).Identities.Create(context.Background(), connect.NewRequest(&iamv1.CreateIdentityRequest{
		ParentId: w.org,
		Identity: &iamv1.Identity{Name: name, Relationship: &iamv1.Identity_AwsIdentity{AwsIdentity: &iamv1.AWSIdentity{
			AwsAccount: p.Account,
			AwsArn:     &iamv1.AWSIdentity_Arn{Arn: p.Arn},
			AwsUserId:  &iamv1.AWSIdentity_UserIdPattern{UserIdPattern: regexp.QuoteMeta(roleID) + ":.+"},
		}}},
	}))
	if err != nil {
		t.Fatalf("create identity %s: %v", name, err)
	}
	return id.Msg.GetId(), p
}

// proof signs a single-use proof for the world's identity with a fresh
// access key of its principal, so that the proof's audit event can be
// told from every other by its access key (see signProof).
func (w *world) proof(t testing.TB) string {
	t.Helper()
	return w.proofFor(t, w.identity, w.principal)
}

func (w *world) proofFor(t testing.TB, identity string, p fakeaws.Principal) string {
	t.Helper()
	proof, _ := w.signProof(t, identity, p)
	return proof
}

// signProof signs a proof with a new access key of p, which it returns
// too: the audit event of the exchange records it.
func (w *world) signProof(t testing.TB, identity string, p fakeaws.Principal) (proof, accessKeyID string) {
	t.Helper()
	c, err := fakeaws.NewTemporaryCredentials(nil, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.aws.Registry.Add(c, p); err != nil {
		t.Fatal(err)
	}
	creds := aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}
	proof, err = awsiam.Sign(context.Background(), creds, w.aws.STSServer.URL, "us-east-1", identity, w.url, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return proof, c.AccessKeyID
}

// exchange posts a proof to base and reads the answer; err is a transport
// failure.
func (w *world) exchange(ctx context.Context, base, proof, identity string) (servertest.Answer, error) {
	return servertest.PostExchange(ctx, w.plain, base, proof, identity)
}

// metrics reads the server's /metrics as series → value.
func (w *world) metrics(t testing.TB, base string) map[string]float64 {
	t.Helper()
	m, err := servertest.Metrics(w.plain, base)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// served checks that base answers an API call and its health probe
// within limit: what must keep working while the exchange struggles.
func (w *world) served(ctx context.Context, base string, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	if _, err := w.api(base).Groups.List(ctx, connect.NewRequest(&iamv1.GroupFilter{})); err != nil {
		return fmt.Errorf("list groups: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
	if err != nil {
		return err
	}
	res, err := w.plain.Do(req)
	if err != nil {
		return fmt.Errorf("healthz: %w", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return errors.New("healthz: " + res.Status)
	}
	return nil
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
