package fakeaws

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"slices"
	"time"
)

// CAOptions configures [NewCA].
type CAOptions struct {
	// CommonName of the CA certificate. Default "latch dev fake AWS CA".
	CommonName string
	// Now is the clock certificates are dated from. Clients check TLS
	// validity against their own real clock, so leave it nil (time.Now)
	// unless the clients are faked too.
	Now func() time.Time
	// Validity is how long the CA and its leaves stay valid after Now
	// (they are valid from an hour before Now, to absorb clock skew).
	// Default 30 days.
	Validity time.Duration
}

// CA is an in-memory certificate authority for serving the fake STS over
// TLS, as real clients only speak HTTP/2 to STS over TLS and latch's
// verifier should see the same transport it sees in production. Its
// certificate is what goes into AWS_CA_BUNDLE, curl --cacert or latch's
// --sts-ca-file. Key material always comes from crypto/rand.
type CA struct {
	cert     *x509.Certificate
	key      *ecdsa.PrivateKey
	pem      []byte
	now      func() time.Time
	validity time.Duration
}

// NewCA creates a CA with an ECDSA P-256 key.
func NewCA(o CAOptions) (*CA, error) {
	if o.CommonName == "" {
		o.CommonName = "latch dev fake AWS CA"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Validity <= 0 {
		o.Validity = 30 * 24 * time.Hour
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("new CA: generate key: %w", err)
	}
	serial, err := newSerial()
	if err != nil {
		return nil, fmt.Errorf("new CA: %w", err)
	}
	now := o.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: o.CommonName, Organization: []string{"latch"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(o.Validity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("new CA: create certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("new CA: parse certificate: %w", err)
	}
	return &CA{
		cert:     cert,
		key:      key,
		pem:      pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		now:      o.Now,
		validity: o.Validity,
	}, nil
}

// CertPEM returns the CA certificate in PEM, the content of an
// AWS_CA_BUNDLE or --cacert file.
func (ca *CA) CertPEM() []byte { return slices.Clone(ca.pem) }

// Certificate returns the parsed CA certificate.
func (ca *CA) Certificate() *x509.Certificate { return ca.cert }

// Pool returns a certificate pool holding only the CA, for clients.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.cert)
	return p
}

// ClientConfig returns a TLS client configuration that trusts only the CA.
func (ca *CA) ClientConfig() *tls.Config {
	return &tls.Config{RootCAs: ca.Pool(), MinVersion: tls.VersionTLS12}
}

// Leaf issues a server certificate valid for 127.0.0.1, ::1 and localhost
// plus names (IP addresses or DNS names, such as sts.amazonaws.com when
// clients are pointed at the emulator with curl --connect-to).
func (ca *CA) Leaf(names ...string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("issue leaf: generate key: %w", err)
	}
	serial, err := newSerial()
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("issue leaf: %w", err)
	}
	now := ca.now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "localhost", Organization: []string{"latch"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(ca.validity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if tmpl.NotAfter.After(ca.cert.NotAfter) {
		tmpl.NotAfter = ca.cert.NotAfter
	}
	for _, n := range append([]string{"127.0.0.1", "::1", "localhost"}, names...) {
		if ip := net.ParseIP(n); ip != nil {
			if !slices.ContainsFunc(tmpl.IPAddresses, ip.Equal) {
				tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
			}
		} else if n != "" && !slices.Contains(tmpl.DNSNames, n) {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("issue leaf: create certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("issue leaf: parse certificate: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}

// ServerConfig returns a TLS server configuration with a fresh leaf for
// names (see [CA.Leaf]) that offers HTTP/2 and HTTP/1.1 through ALPN, so
// curl negotiates HTTP/2 as it does with the real STS.
func (ca *CA) ServerConfig(names ...string) (*tls.Config, error) {
	leaf, err := ca.Leaf(names...)
	if err != nil {
		return nil, err
	}
	return &tls.Config{
		Certificates: []tls.Certificate{leaf},
		NextProtos:   []string{"h2", "http/1.1"},
		MinVersion:   tls.VersionTLS12,
	}, nil
}

// newSerial returns a random positive 128-bit serial number.
func newSerial() (*big.Int, error) {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("generate serial number: %w", err)
	}
	return n.Add(n, big.NewInt(1)), nil
}
