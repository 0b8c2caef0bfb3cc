package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"connectrpc.com/connect"

	"latch.dev/latch/internal/fakeaws"
	authv1 "latch.dev/latch/internal/gen/latch/auth/v1"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/server"
	"latch.dev/latch/internal/server/servertest"
)

const account = "123456789012"

// fakeSTS serves the SigV4-checking STS emulator over TLS and writes its CA
// to a file; it accepts the given credentials for an EC2 instance role.
func fakeSTS(t *testing.T, c aemmCreds, roleID string) (*fakeaws.Server, string) {
	t.Helper()
	reg := fakeaws.NewRegistry()
	p, err := fakeaws.AssumedRole(fakeaws.PartitionAWS, account, c.Role, roleID, "i-0123456789abcdef0")
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.Add(fakeaws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.Secret, SessionToken: c.Token}, p); err != nil {
		t.Fatal(err)
	}
	sts, err := fakeaws.NewSTS(fakeaws.STSOptions{Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	ca, err := fakeaws.NewCA(fakeaws.CAOptions{})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := fakeaws.Serve(sts, fakeaws.ServeOptions{CA: ca})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	caFile := filepath.Join(t.TempDir(), "sts-ca.pem")
	if err := os.WriteFile(caFile, srv.CAPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return srv, caFile
}

// TestTheTutorialWorksWithCurlAgainstTheIMDSMock runs the tutorial's
// commands in bash: AWS's IMDS mock as the instance, curl --aws-sigv4 over
// HTTP/2 to a SigV4-checking STS, base64 -w0, and the latch CLI.
func TestTheTutorialWorksWithCurlAgainstTheIMDSMock(t *testing.T) {
	t.Parallel()
	tools := need(t, "bash", "curl", "jq", "base64", "ec2-metadata-mock")
	creds := aemmCreds{Role: "ec2-app", AccessKeyID: "ASIATESTACCESSKEY001", Secret: "testSecretKey/abcdefghijklmnopqrstuvwxyz012", Token: "testSessionToken001"}
	const roleID = "AROAEXAMPLEEXAMPLE12345"
	sts, caFile := fakeSTS(t, creds, roleID)
	imds := startAEMM(t, tools["ec2-metadata-mock"], creds, account)
	srv := servertest.Start(t, servertest.WithConfig(func(c *server.Config) {
		c.BootstrapSecret = ""
		c.AWS = server.AWSConfig{Endpoints: []string{sts.URL}, CAFile: caFile, NoPublic: true}
	}))

	work := t.TempDir()
	cmd := exec.Command(tools["bash"], "testdata/tutorial.sh")
	cmd.Env = append(os.Environ(),
		"PATH="+filepath.Dir(tools["latch"])+string(os.PathListSeparator)+os.Getenv("PATH"),
		"WORK="+work,
		"LATCH_URL="+srv.URL,
		"BOOTSTRAP_FILE="+filepath.Join(srv.DataDir, server.BootstrapFileName),
		"IMDS="+imds,
		"STS="+sts.URL,
		"STS_CA="+caFile,
		"ACCOUNT="+account,
		"ROLE_NAME="+creds.Role,
		"ROLE_ID="+roleID,
		"NO_COLOR=1",
	)
	out, err := cmd.CombinedOutput()
	t.Logf("tutorial output:\n%s", out)
	if err != nil {
		t.Fatalf("the tutorial failed: %v", err)
	}
	text := string(out)
	for _, want := range []string{
		"Successfully exchanged token.\nValid! Id: ",
		"chainguard.edu",
		"tutorial: ok",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the output lacks %q", want)
		}
	}
	// The audit trail has the accepted exchange, with the ARN STS verified,
	// and the refused replay.
	events, err := srv.API(adminToken(t, work, srv)).Auth.ListEvents(context.Background(), connect.NewRequest(&authv1.ListEventsRequest{}))
	if err != nil {
		t.Fatal(err)
	}
	var accepted, refused int
	for _, e := range events.Msg.GetItems() {
		if e.GetType() != "exchange" {
			continue
		}
		switch {
		case e.GetOutcome() == iam.OutcomeAccepted && strings.HasPrefix(e.GetSubject(), "arn:aws:sts::"+account+":assumed-role/"+creds.Role+"/"):
			accepted++
		case e.GetOutcome() == iam.OutcomeRefused && strings.Contains(e.GetReason(), "already used"):
			refused++
		}
	}
	if accepted != 1 || refused != 1 {
		t.Errorf("audit trail: %d accepted exchanges with the instance's ARN and %d refused replays; want 1 and 1", accepted, refused)
	}
}

// adminToken reads the administrator's access token from the CLI cache
// that the tutorial's laptop side filled.
func adminToken(t *testing.T, work string, srv *servertest.Server) string {
	t.Helper()
	matches, _ := filepath.Glob(filepath.Join(work, "laptop-cache", "latch", "*", "access-token"))
	if len(matches) != 1 {
		t.Fatalf("the laptop side's token cache holds %d access tokens, want 1", len(matches))
	}
	b, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}
