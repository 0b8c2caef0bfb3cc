package fakeaws

import (
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"time"
)

// Config configures [Start], the one-call setup `latch dev` and
// end-to-end tests use. Zero values give a working default.
type Config struct {
	Partition  Partition // default "aws"
	AccountID  string    // default "123456789012"
	Region     string    // default "us-east-1"
	RoleName   string    // instance role; default "latch-dev-instance"
	InstanceID string    // default random

	// TLSNames are added to the STS certificate, e.g. "sts.amazonaws.com"
	// so clients sent to the emulator with curl --connect-to or a hosts
	// entry keep the real host name (which is what they sign).
	TLSNames []string
	// STSAddr and IMDSAddr are the listen addresses; default
	// "127.0.0.1:0" each.
	STSAddr, IMDSAddr string

	Now    func() time.Time // default time.Now
	Rand   io.Reader        // default crypto/rand.Reader
	Logger *slog.Logger     // STS rejections; nil discards
	// ErrorLog receives both HTTP servers' own errors; nil discards.
	ErrorLog *log.Logger
}

// Env is a running fake AWS: an STS over TLS and an IMDS over plain HTTP
// (as on EC2), sharing one credentials registry. The instance role's
// credentials sign requests the STS accepts.
type Env struct {
	// Registry is shared by both emulators; add keys for other principals
	// here.
	Registry *Registry
	// CA signed the STS server's certificate.
	CA *CA
	// STS is the STS handler, for its fault queue and request counter.
	STS *STS
	// IMDS is the metadata handler, for the role's credentials, rotation,
	// faults and its request counter.
	IMDS *IMDS
	// STSServer.URL is the STS endpoint (https://…); STSServer.CAPEM the
	// CA certificate to trust.
	STSServer *Server
	// IMDSServer.URL is the metadata endpoint (http://…).
	IMDSServer *Server

	region string
}

// Start creates the registry, the emulators and the CA and starts both
// servers on loopback. Close stops them.
func Start(cfg Config) (_ *Env, err error) {
	reg := NewRegistry()
	ca, err := NewCA(CAOptions{})
	if err != nil {
		return nil, fmt.Errorf("start fake AWS: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	sts, err := NewSTS(STSOptions{Registry: reg, Now: cfg.Now, Rand: cfg.Rand, Logger: cfg.Logger})
	if err != nil {
		return nil, fmt.Errorf("start fake AWS: %w", err)
	}
	imds, err := NewIMDS(IMDSOptions{
		Registry:   reg,
		Now:        cfg.Now,
		Rand:       cfg.Rand,
		Partition:  cfg.Partition,
		AccountID:  cfg.AccountID,
		Region:     cfg.Region,
		RoleName:   cfg.RoleName,
		InstanceID: cfg.InstanceID,
	})
	if err != nil {
		return nil, fmt.Errorf("start fake AWS: %w", err)
	}
	e := &Env{Registry: reg, CA: ca, STS: sts, IMDS: imds, region: cfg.Region}
	e.STSServer, err = Serve(sts, ServeOptions{Addr: cfg.STSAddr, CA: ca, Names: cfg.TLSNames, ErrorLog: cfg.ErrorLog})
	if err != nil {
		return nil, fmt.Errorf("start fake AWS: STS: %w", err)
	}
	e.IMDSServer, err = Serve(imds, ServeOptions{Addr: cfg.IMDSAddr, ErrorLog: cfg.ErrorLog})
	if err != nil {
		_ = e.STSServer.Close()
		return nil, fmt.Errorf("start fake AWS: IMDS: %w", err)
	}
	return e, nil
}

// Close stops both servers.
func (e *Env) Close() error {
	return errors.Join(e.STSServer.Close(), e.IMDSServer.Close())
}

// Environ returns the environment variables that point AWS clients (the
// Go SDK, the aws CLI, latch's own AWS login) at the emulators, to add to
// a child process's environment. caBundlePath is where the caller wrote
// STSServer.CAPEM. The IMDS endpoint keeps its trailing slash, which aws
// CLI v2 needs.
func (e *Env) Environ(caBundlePath string) []string {
	return []string{
		"AWS_EC2_METADATA_SERVICE_ENDPOINT=" + e.IMDSServer.URL + "/",
		"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv4",
		"AWS_ENDPOINT_URL_STS=" + e.STSServer.URL,
		"AWS_CA_BUNDLE=" + caBundlePath,
		"AWS_REGION=" + e.region,
		"AWS_DEFAULT_REGION=" + e.region,
	}
}
