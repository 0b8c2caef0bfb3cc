package server

import (
	"fmt"

	"latch.dev/latch/internal/authn"
	"latch.dev/latch/internal/authn/awsiam"
)

// awsAuthn builds the AWS proof authenticator from the configuration: the
// server's own URL as the audience proofs must be bound to, the STS
// endpoint allowlist, and the store as the replay record shared by every
// replica.
func (s *Server) awsAuthn() (authn.Authenticator, *awsiam.Verifier, error) {
	c := s.cfg.AWS
	ep := awsiam.EndpointConfig{Partitions: c.Partitions, Regional: c.Regional, FIPS: c.FIPS, NoPublic: c.NoPublic}
	if len(c.Endpoints) > 0 {
		var custom []awsiam.CustomEndpoint
		for _, u := range c.Endpoints {
			ce := awsiam.CustomEndpoint{URL: u, Region: c.Region}
			if c.CAFile != "" {
				pool, err := awsiam.LoadCAFile(c.CAFile)
				if err != nil {
					return nil, nil, fmt.Errorf("--sts-ca-file: %w", err)
				}
				ce.RootCAs = pool
			}
			custom = append(custom, ce)
		}
		ep.Custom = custom
	}
	v, err := awsiam.New(awsiam.Config{
		Audiences:  []string{s.cfg.URL},
		Endpoints:  ep,
		Replay:     s.store,
		Now:        s.cfg.Now,
		Logger:     s.cfg.Log,
		Registerer: s.metrics.Registerer(),
	})
	if err != nil {
		return nil, nil, fmt.Errorf("AWS verifier: %w", err)
	}
	return awsiam.NewAuthenticator(v), v, nil
}
