package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sync/atomic"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"latch.dev/latch/bench/internal/rig"
	"latch.dev/latch/bench/internal/stats"
	"latch.dev/latch/internal/token"
)

// parts are the throughputs of the unavoidable pieces of an exchange,
// each run alone on the same machine: what the exchange would reach if
// latch itself cost nothing.
type parts struct {
	JWTSign      float64 `json:"jwt_sign_per_s"`
	STSRoundTrip float64 `json:"sts_round_trip_per_s"`
	ProofSign    float64 `json:"proof_sign_per_s"`
	// Bound is 1/(1/JWTSign + 1/STSRoundTrip + 1/ProofSign): the
	// throughput of doing the three one after another on every core.
	Bound float64 `json:"bound_per_s"`
}

// measureParts runs each part alone for d.
func measureParts(ctx context.Context, r *rig.Rig, clients int, d time.Duration) (parts, error) {
	var p parts
	var err error
	cores := runtime.GOMAXPROCS(0)
	if p.JWTSign, err = stats.Rate(ctx, cores, d, jwtSigner(r)); err != nil {
		return p, fmt.Errorf("JWT signing: %w", err)
	}
	rt, err := stsRoundTrip(ctx, r)
	if err != nil {
		return p, err
	}
	if p.STSRoundTrip, err = stats.Rate(ctx, clients, d, rt); err != nil {
		return p, fmt.Errorf("STS round trip: %w", err)
	}
	keys := r.Keys()
	var n atomic.Uint64
	if p.ProofSign, err = stats.Rate(ctx, cores, d, func(ctx context.Context) error {
		_, err := r.Proof(ctx, keys[n.Add(1)%uint64(len(keys))], time.Now())
		return err
	}); err != nil {
		return p, fmt.Errorf("proof signing: %w", err)
	}
	p.Bound = 1 / (1/p.JWTSign + 1/p.STSRoundTrip + 1/p.ProofSign)
	return p, nil
}

// jwtSigner mints the token an exchange mints, with the server's own
// signing key and claims of the same shape.
func jwtSigner(r *rig.Rig) func(context.Context) error {
	m, err := token.NewMinter(token.MinterConfig{Issuer: r.URL, Signer: r.Server.Signer(), Rand: rand.Reader})
	if err != nil {
		return func(context.Context) error { return err }
	}
	p := r.Principals[0]
	claims := token.Claims{
		Subject: p.Identity, Audience: []string{r.URL}, Kind: token.KindAWS,
		Actor: &token.Actor{Issuer: r.STSURL, Subject: "arn:aws:sts::123456789012:assumed-role/workload-0/bench",
			AWSAccount: "123456789012", AWSUserID: "AROAEXAMPLEEXAMPLE:bench"},
	}
	return func(ctx context.Context) error {
		_, err := m.Mint(ctx, claims)
		return err
	}
}

// stsRoundTrip is what the verifier sends STS for one exchange: a signed
// POST /?Action=GetCallerIdentity over TLS on a pooled HTTP/2
// connection, with STS checking the signature. The request is signed
// once; the fake STS, like the real one, does not refuse a repeat.
func stsRoundTrip(ctx context.Context, r *rig.Rig) (func(context.Context) error, error) {
	p := r.Principals[0]
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.STSURL+"/?Action=GetCallerIdentity&Version=2011-06-15", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if err := v4.NewSigner().SignHTTP(ctx, p.Creds[0], req, emptySHA256, "sts", "us-east-1", time.Now().UTC()); err != nil {
		return nil, fmt.Errorf("sign STS request: %w", err)
	}
	hc := r.STSClient
	return func(ctx context.Context) error {
		rq := req.Clone(ctx)
		rq.Body = http.NoBody
		res, err := hc.Do(rq)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		body, err := io.ReadAll(io.LimitReader(res.Body, 64<<10))
		if err != nil {
			return err
		}
		if res.StatusCode != http.StatusOK || !bytes.Contains(body, []byte("Arn")) {
			return fmt.Errorf("STS answered %d: %.200s", res.StatusCode, body)
		}
		return nil
	}, nil
}
