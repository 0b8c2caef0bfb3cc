package e2e

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// aemmCreds are the instance role's credentials that AWS's IMDS mock
// serves; the fake STS is told to accept them.
type aemmCreds struct {
	Role, AccessKeyID, Secret, Token string
}

// startAEMM runs AWS's own EC2 metadata mock (IMDSv2 only) on a free
// loopback port, serving creds for the instance role, and returns its
// base URL.
func startAEMM(t *testing.T, bin string, c aemmCreds, account string) string {
	t.Helper()
	port := freePort(t)
	cfg := map[string]any{
		"imdsv2": true,
		"server": map[string]any{"hostname": "127.0.0.1", "port": strconv.Itoa(port)},
		"metadata": map[string]any{"values": map[string]any{
			"iam-security-credentials-role": c.Role,
			"iam-security-credentials": map[string]any{
				"Code": "Success", "LastUpdated": time.Now().UTC().Format(time.RFC3339), "Type": "AWS-HMAC",
				"AccessKeyId": c.AccessKeyID, "SecretAccessKey": c.Secret, "Token": c.Token,
				"Expiration": time.Now().Add(6 * time.Hour).UTC().Format(time.RFC3339),
			},
		}},
		"dynamic": map[string]any{"values": map[string]any{"instance-identity-document": map[string]any{
			"accountId": account, "region": "us-east-1", "instanceId": "i-0123456789abcdef0",
		}}},
	}
	b, _ := json.Marshal(cfg)
	path := filepath.Join(t.TempDir(), "aemm.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-c", path)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if testing.Verbose() {
		cmd.Stdout, cmd.Stderr = nil, nil
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start ec2-metadata-mock: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(20 * time.Second)
	for {
		req, _ := http.NewRequest(http.MethodPut, url+"/latest/api/token", nil)
		req.Header.Set("X-aws-ec2-metadata-token-ttl-seconds", "60")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return url
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("ec2-metadata-mock did not come up on %s: %v", url, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
