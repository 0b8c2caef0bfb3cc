package fakeaws

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestTheCAIssuesLeavesClientsTrust(t *testing.T) {
	t.Parallel()
	ca := must(NewCA(CAOptions{}))(t)
	leaf := must(ca.Leaf("sts.amazonaws.com", "10.0.0.7", "localhost"))(t)
	cases := []struct {
		name string
		opts x509.VerifyOptions
	}{
		{"loopback IPv4 is covered", x509.VerifyOptions{DNSName: "127.0.0.1"}},
		{"loopback IPv6 is covered", x509.VerifyOptions{DNSName: "::1"}},
		{"localhost is covered", x509.VerifyOptions{DNSName: "localhost"}},
		{"an extra DNS name is covered", x509.VerifyOptions{DNSName: "sts.amazonaws.com"}},
		{"an extra IP is covered", x509.VerifyOptions{DNSName: "10.0.0.7"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.opts.Roots = ca.Pool()
			tc.opts.KeyUsages = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
			if _, err := leaf.Leaf.Verify(tc.opts); err != nil {
				t.Error(err)
			}
		})
	}
	t.Run("names are not repeated", func(t *testing.T) {
		t.Parallel()
		if n := len(leaf.Leaf.DNSNames); n != 2 {
			t.Errorf("DNS names %v", leaf.Leaf.DNSNames)
		}
	})
	t.Run("the PEM is the CA certificate", func(t *testing.T) {
		t.Parallel()
		block, rest := pem.Decode(ca.CertPEM())
		if block == nil || block.Type != "CERTIFICATE" || len(rest) != 0 {
			t.Fatalf("PEM %q", ca.CertPEM())
		}
		c := must(x509.ParseCertificate(block.Bytes))(t)
		if !c.IsCA || !c.Equal(ca.Certificate()) {
			t.Error("the PEM is not the CA")
		}
		if k, ok := c.PublicKey.(*ecdsa.PublicKey); !ok || k.Curve != elliptic.P256() {
			t.Errorf("public key %T, want ECDSA P-256", c.PublicKey)
		}
	})
	t.Run("another CA's leaf is not trusted", func(t *testing.T) {
		t.Parallel()
		other := must(NewCA(CAOptions{}))(t)
		if _, err := leaf.Leaf.Verify(x509.VerifyOptions{Roots: other.Pool(), DNSName: "localhost"}); err == nil {
			t.Error("a leaf verified against the wrong CA")
		}
	})
}

func TestTheSTSServerOffersHTTP2OverTLS(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ca := must(NewCA(CAOptions{Validity: time.Hour}))(t)
	cfg := must(ca.ServerConfig())(t)
	if !slices.Equal(cfg.NextProtos, []string{"h2", "http/1.1"}) || cfg.MinVersion != tls.VersionTLS12 {
		t.Errorf("server config %v %x", cfg.NextProtos, cfg.MinVersion)
	}
	srv := must(Serve(f.sts, ServeOptions{CA: ca}))(t)
	if !strings.HasPrefix(srv.URL, "https://127.0.0.1:") || string(srv.CAPEM) != string(ca.CertPEM()) {
		t.Errorf("URL %q", srv.URL)
	}
	res, err := srv.Client().Get(srv.URL + "/?" + gciQuery)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.ProtoMajor != 2 || res.StatusCode != http.StatusForbidden {
		t.Errorf("an unsigned request got %d over %s, want 403 over HTTP/2", res.StatusCode, res.Proto)
	}
	if res.TLS == nil || res.TLS.NegotiatedProtocol != "h2" {
		t.Errorf("TLS state %+v", res.TLS)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("a second Close: %v", err)
	}
	if _, err := srv.Client().Get(srv.URL); err == nil {
		t.Error("a closed server still answers")
	}
}

func TestStartedEnvPointsClientsAtTheEmulators(t *testing.T) {
	t.Parallel()
	env := must(Start(Config{Region: "eu-central-1"}))(t)
	t.Cleanup(func() { _ = env.Close() })
	got := env.Environ("ca-bundle.pem")
	want := []string{
		"AWS_EC2_METADATA_SERVICE_ENDPOINT=" + env.IMDSServer.URL + "/",
		"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv4",
		"AWS_ENDPOINT_URL_STS=" + env.STSServer.URL,
		"AWS_CA_BUNDLE=ca-bundle.pem",
		"AWS_REGION=eu-central-1",
		"AWS_DEFAULT_REGION=eu-central-1",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Environ:\n%v\nwant\n%v", got, want)
	}
	if !strings.HasPrefix(env.STSServer.URL, "https://") || !strings.HasPrefix(env.IMDSServer.URL, "http://") {
		t.Errorf("URLs %s %s", env.STSServer.URL, env.IMDSServer.URL)
	}
	if env.IMDS.Document().Region != "eu-central-1" {
		t.Errorf("IMDS region %q", env.IMDS.Document().Region)
	}
	if _, _, ok := env.Registry.Lookup(env.IMDS.Credentials().AccessKeyID); !ok {
		t.Error("the instance role's key is not in the shared registry")
	}
}
