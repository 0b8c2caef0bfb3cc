package e2e

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestAWSLoginAgainstLatchDevNeedsNoCurl runs `latch dev` as a user would,
// then, as the fake EC2 instance, logs in with `latch auth login --aws`
// (credentials from the fake IMDS through the AWS SDK's default chain,
// the proof signed in-process) and checks that the session renews itself
// by signing a new proof when its token expires.
func TestAWSLoginAgainstLatchDevNeedsNoCurl(t *testing.T) {
	t.Parallel()
	tools := need(t)
	work := t.TempDir()
	envFile := filepath.Join(work, "latch.env")
	laptop := []string{"HOME=" + work, "XDG_CACHE_HOME=" + filepath.Join(work, "laptop-cache"), "XDG_CONFIG_HOME=" + filepath.Join(work, "laptop-config"), "NO_COLOR=1"}

	dev := exec.Command(tools["latch"], "dev", "--addr", "127.0.0.1:"+strconv.Itoa(freePort(t)), "--env-file", envFile, "--token-lifetime", "1m")
	dev.Env = append(os.Environ(), laptop...)
	dev.Stdout, dev.Stderr = os.Stderr, os.Stderr
	if err := dev.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = dev.Process.Signal(syscall.SIGINT)
		done := make(chan error, 1)
		go func() { done <- dev.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = dev.Process.Kill()
			<-done
		}
		if _, err := os.Stat(envFile); err == nil {
			t.Error("latch dev left its env file behind")
		}
	})
	env := waitForEnvFile(t, envFile)

	run := func(side []string, args ...string) string {
		t.Helper()
		cmd := exec.Command(tools["latch"], args...)
		cmd.Env = append(append(os.Environ(), env...), side...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("latch %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	account, role := envValue(env, "LATCH_DEV_AWS_ACCOUNT"), envValue(env, "LATCH_DEV_AWS_ROLE")
	idFile := filepath.Join(work, "id.json")
	doc := `{"name":"aws-ec2-identity","awsIdentity":{"aws_account":"` + account + `","arnPattern":"^arn:aws:sts::` + account + `:assumed-role/` + role + `/(.+)$","userIdPattern":"^AROA[A-Z0-9]+:(.+)$"}}`
	if err := os.WriteFile(idFile, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	id := strings.TrimSpace(run(laptop, "iam", "id", "create", "aws", "--filename", idFile, "-oid", "--parent", "example.dev"))
	run(laptop, "iam", "rolebinding", "create", "--identity", "aws-ec2-identity", "--role", "viewer", "--parent", "example.dev")

	ec2 := []string{"XDG_CACHE_HOME=" + filepath.Join(work, "ec2-cache"), "XDG_CONFIG_HOME=" + filepath.Join(work, "ec2-config")}
	// No AWS_* credentials in the environment: the SDK must find the
	// instance role through the (fake) instance metadata service.
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"} {
		ec2 = append(ec2, k+"=")
	}
	out := run(ec2, "auth", "login", "--aws", "--identity", id)
	if out != "Successfully exchanged token.\nValid! Id: "+id+"\n" {
		t.Errorf("auth login --aws printed %q", out)
	}
	if !strings.Contains(run(ec2, "iam", "organizations", "ls"), "example.dev") {
		t.Error("the instance cannot list the organization")
	}
	// Tokens live one minute here, inside the CLI's two-minute renewal
	// leeway, so each use signs a new proof and exchanges it.
	first := strings.TrimSpace(run(ec2, "auth", "token"))
	second := strings.TrimSpace(run(ec2, "auth", "token"))
	if first == "" || first == second {
		t.Errorf("auth token did not renew the session by signing a new proof (first %q, second %q)", first, second)
	}
	if !strings.Contains(run(ec2, "auth", "status"), id) {
		t.Error("auth status does not show the identity")
	}
}

func waitForEnvFile(t *testing.T, path string) []string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if f, err := os.Open(path); err == nil {
			var env []string
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				line := strings.TrimPrefix(sc.Text(), "export ")
				if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(k, "#") {
					env = append(env, k+"="+strings.Trim(v, "'"))
				}
			}
			f.Close()
			if len(env) > 0 {
				return env
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("latch dev wrote no env file at %s", path)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func envValue(env []string, key string) string {
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}
