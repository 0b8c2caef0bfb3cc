package fakeaws

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"latch.dev/latch/internal/testutil/fakeclock"
)

// seen is what a real client sent, as the emulator received it.
type seen struct {
	proto, host, signedHeaders string
	header                     http.Header
}

// clientRig is a fake AWS on real listeners for real clients: the STS
// over TLS (h2 and HTTP/1.1) and in the clear (HTTP/1.1 and h2c), the
// IMDS in the clear, and a record of every STS request.
type clientRig struct {
	env    *Env
	plain  *Server // the same STS without TLS
	caFile string

	mu   sync.Mutex
	seen []seen
}

func newClientRig(t *testing.T) *clientRig {
	t.Helper()
	// Real clients sign with the real time; the emulator's clock is fixed
	// at the test's start, well within the 15-minute window.
	c := fakeclock.New(time.Now().UTC())
	rig := &clientRig{}
	env := must(Start(Config{Now: c.Now, Rand: seeded(9), TLSNames: []string{"sts.amazonaws.com"}, RoleName: "client-role"}))(t)
	t.Cleanup(func() { _ = env.Close() })
	rig.env = env
	// Record what each client sends on a second pair of listeners in front
	// of the same emulator.
	record := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sh := ""
		if _, rest, ok := strings.Cut(r.Header.Get("Authorization"), "SignedHeaders="); ok {
			sh, _, _ = strings.Cut(rest, ",")
		}
		rig.mu.Lock()
		rig.seen = append(rig.seen, seen{proto: r.Proto, host: r.Host, signedHeaders: sh, header: r.Header.Clone()})
		rig.mu.Unlock()
		env.STS.ServeHTTP(w, r)
	})
	_ = env.STSServer.Close()
	env.STSServer = must(Serve(record, ServeOptions{CA: env.CA, Names: []string{"sts.amazonaws.com"}}))(t)
	rig.plain = must(Serve(record, ServeOptions{}))(t)
	t.Cleanup(func() { _ = rig.plain.Close() })
	rig.caFile = filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(rig.caFile, env.STSServer.CAPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return rig
}

func (rig *clientRig) last(t *testing.T) seen {
	t.Helper()
	rig.mu.Lock()
	defer rig.mu.Unlock()
	if len(rig.seen) == 0 {
		t.Fatal("the emulator saw no request")
	}
	return rig.seen[len(rig.seen)-1]
}

func TestTheGoSDKGetsTheInstanceRoleFromIMDSAndCallsSTSOverTLS(t *testing.T) {
	t.Parallel()
	rig := newClientRig(t)
	env := rig.env
	ctx := context.Background()
	none := filepath.Join(t.TempDir(), "none")
	imdsClient := imds.New(imds.Options{Endpoint: env.IMDSServer.URL})
	cfg, err := config.LoadDefaultConfig(ctx,
		config.WithRegion("us-east-1"),
		config.WithSharedConfigFiles([]string{none}),
		config.WithSharedCredentialsFiles([]string{none}),
		config.WithCustomCABundle(bytes.NewReader(env.STSServer.CAPEM)),
		config.WithEC2IMDSEndpoint(env.IMDSServer.URL),
		config.WithCredentialsProvider(aws.NewCredentialsCache(ec2rolecreds.New(func(o *ec2rolecreds.Options) {
			o.Client = imdsClient
		}))),
	)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if creds.AccessKeyID != env.IMDS.Credentials().AccessKeyID || creds.Source != ec2rolecreds.ProviderName {
		t.Errorf("credentials %s from %s, want the IMDS role's", creds.AccessKeyID, creds.Source)
	}
	client := sts.NewFromConfig(cfg, func(o *sts.Options) { o.BaseEndpoint = aws.String(env.STSServer.URL) })
	out, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	want := env.IMDS.Principal()
	if aws.ToString(out.Arn) != want.Arn || aws.ToString(out.Account) != want.Account || aws.ToString(out.UserId) != want.UserID {
		t.Errorf("got %s %s %s, want %+v", aws.ToString(out.Arn), aws.ToString(out.Account), aws.ToString(out.UserId), want)
	}
	got := rig.last(t)
	t.Logf("Go SDK: %s, signed %s", got.proto, got.signedHeaders)
	if got.signedHeaders != "amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;x-amz-date;x-amz-security-token" {
		t.Errorf("the SDK signed %q", got.signedHeaders)
	}

	// The SDK decodes the emulator's XML errors into the right codes.
	env.STS.Faults().Inject(Throttling(), 0)
	_, err = sts.NewFromConfig(cfg, func(o *sts.Options) {
		o.BaseEndpoint = aws.String(env.STSServer.URL)
		o.RetryMaxAttempts = 1
	}).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err == nil || !strings.Contains(err.Error(), "Throttling") || !strings.Contains(err.Error(), "Rate exceeded") {
		t.Errorf("throttled call error = %v", err)
	}
}

func TestALatchProofSignedWithTheSDKSignerIsAnsweredInJSON(t *testing.T) {
	t.Parallel()
	rig := newClientRig(t)
	creds := rig.env.IMDS.Credentials()
	client := rig.env.STSServer.Client()
	res, err := sendProof(context.Background(), t, client, rig.env.STSServer.URL, creds, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/json" || res.ProtoMajor != 2 {
		t.Fatalf("got %d %s over %s", res.StatusCode, res.Header.Get("Content-Type"), res.Proto)
	}
	var v jsonCallerIdentity
	if err := json.NewDecoder(res.Body).Decode(&v); err != nil {
		t.Fatal(err)
	}
	if v.Response.Result.Arn != rig.env.IMDS.Principal().Arn {
		t.Errorf("Arn %q", v.Response.Result.Arn)
	}
	if got := rig.last(t).signedHeaders; got != "accept;chainguard-audience;chainguard-identity;host;x-amz-date;x-amz-security-token" {
		t.Errorf("signed headers %q", got)
	}
}

func TestCurlAWSSigV4IsVerified(t *testing.T) {
	t.Parallel()
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl is not installed; the curl --aws-sigv4 checks need it")
	}
	rig := newClientRig(t)
	creds := rig.env.IMDS.Credentials()
	tlsURL := must(url.Parse(rig.env.STSServer.URL))(t)
	cases := []struct {
		name      string
		url       string
		extra     []string
		wantProto string
		wantHost  string
	}{
		{"over TLS curl negotiates HTTP/2", rig.env.STSServer.URL, []string{"--cacert", rig.caFile}, "HTTP/2.0", tlsURL.Host},
		{"in the clear curl speaks HTTP/1.1", rig.plain.URL, nil, "HTTP/1.1", strings.TrimPrefix(rig.plain.URL, "http://")},
		{"in the clear with prior knowledge curl speaks h2c", rig.plain.URL, []string{"--http2-prior-knowledge"}, "HTTP/2.0",
			strings.TrimPrefix(rig.plain.URL, "http://")},
		{"sent to the real STS host name through --connect-to, curl signs that host", "https://sts.amazonaws.com",
			[]string{"--cacert", rig.caFile, "--connect-to", "sts.amazonaws.com:443:" + tlsURL.Host}, "HTTP/2.0", "sts.amazonaws.com"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			args := append([]string{"-sS", "-v", "--max-time", "30", "-X", "POST", tc.url + "/?" + gciQuery,
				"--aws-sigv4", "aws:amz:us-east-1:sts", "--user", creds.AccessKeyID + ":" + creds.SecretAccessKey,
				"-H", "x-amz-security-token: " + creds.SessionToken,
				"-H", "Chainguard-Identity: " + testIdentity,
				"-H", "Chainguard-Audience: " + testAudience,
				"-H", "Accept: application/json"}, tc.extra...)
			cmd := exec.CommandContext(ctx, curl, args...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("curl: %v\n%s", err, stderr.String())
			}
			var sent []string
			for line := range strings.SplitSeq(stderr.String(), "\n") {
				if strings.HasPrefix(line, "> ") {
					sent = append(sent, strings.TrimSuffix(line[2:], "\r"))
				}
			}
			t.Logf("curl sent:\n%s", strings.Join(sent, "\n"))
			var v jsonCallerIdentity
			mustUnmarshalJSON(t, stdout.Bytes(), &v)
			if v.Response.Result.Arn != rig.env.IMDS.Principal().Arn {
				t.Errorf("curl got %s", stdout.String())
			}
			// The request the emulator verified is the one we meant.
			var got *seen
			rig.mu.Lock()
			for i := range rig.seen {
				if rig.seen[i].header.Get("Chainguard-Identity") == testIdentity && rig.seen[i].host == tc.wantHost && rig.seen[i].proto == tc.wantProto {
					got = &rig.seen[i]
				}
			}
			rig.mu.Unlock()
			if got == nil {
				t.Fatalf("no %s request for host %s was seen", tc.wantProto, tc.wantHost)
			}
			if got.signedHeaders != "accept;chainguard-audience;chainguard-identity;host;x-amz-date;x-amz-security-token" {
				t.Errorf("curl signed %q", got.signedHeaders)
			}
		})
	}
}

// awsCLIs lists every aws CLI on PATH that runs, not just the first: an
// image may shadow the distribution's CLI v2 with a pyenv shim for v1.
func awsCLIs(t *testing.T) []string {
	t.Helper()
	var found []string
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		p := filepath.Join(dir, "aws")
		if fi, err := os.Stat(p); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			continue
		}
		real, err := filepath.EvalSymlinks(p)
		if err != nil || slices.Contains(found, real) {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		out, err := exec.CommandContext(ctx, p, "--version").CombinedOutput()
		cancel()
		if err != nil {
			t.Logf("%s --version failed, not using it: %v %s", p, err, out)
			continue
		}
		t.Logf("using %s: %s", p, strings.TrimSpace(string(out)))
		found = append(found, real)
	}
	return found
}

// cliEnv is the process environment without any AWS settings, plus vars.
func cliEnv(t *testing.T, vars ...string) []string {
	none := filepath.Join(t.TempDir(), "none")
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	return append(env, append([]string{
		"AWS_CONFIG_FILE=" + none, "AWS_SHARED_CREDENTIALS_FILE=" + none,
		"AWS_DEFAULT_REGION=us-east-1", "AWS_PAGER=",
	}, vars...)...)
}

func TestTheAWSCLIGetsCallerIdentity(t *testing.T) {
	t.Parallel()
	clis := awsCLIs(t)
	if len(clis) == 0 {
		t.Skip("no aws CLI installed")
	}
	rig := newClientRig(t)
	creds := rig.env.IMDS.Credentials()
	for _, cli := range clis {
		cases := []struct {
			name string
			env  []string
		}{
			{"with credentials in the environment", cliEnv(t,
				"AWS_ACCESS_KEY_ID="+creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+creds.SecretAccessKey,
				"AWS_SESSION_TOKEN="+creds.SessionToken, "AWS_EC2_METADATA_DISABLED=true")},
			{"with credentials from the IMDS emulator", cliEnv(t,
				"AWS_EC2_METADATA_SERVICE_ENDPOINT="+rig.env.IMDSServer.URL+"/")},
		}
		for _, tc := range cases {
			t.Run(cli+" "+tc.name, func(t *testing.T) {
				t.Parallel()
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				defer cancel()
				cmd := exec.CommandContext(ctx, cli, "sts", "get-caller-identity", "--output", "json",
					"--endpoint-url", rig.env.STSServer.URL, "--ca-bundle", rig.caFile)
				cmd.Env = tc.env
				out, err := cmd.Output()
				if err != nil {
					var stderr []byte
					if ee, ok := err.(*exec.ExitError); ok {
						stderr = ee.Stderr
					}
					t.Fatalf("%v: %s%s", err, out, stderr)
				}
				var got struct{ Arn, Account, UserId string }
				mustUnmarshalJSON(t, out, &got)
				if got.Arn != rig.env.IMDS.Principal().Arn {
					t.Errorf("got %+v", got)
				}
			})
		}
	}
	t.Cleanup(func() {
		rig.mu.Lock()
		defer rig.mu.Unlock()
		for _, s := range rig.seen {
			t.Logf("aws CLI: %s, User-Agent %q, signed %s", s.proto, s.header.Get("User-Agent"), s.signedHeaders)
		}
	})
}
