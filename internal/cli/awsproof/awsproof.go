// Package awsproof makes AWS proofs on the machine that holds the AWS
// identity, with no curl: credentials come from the AWS SDK's default
// chain (environment, shared profiles and SSO, web identity on EKS, the
// ECS and EC2 instance metadata services), and the proof is signed by the
// SDK's SigV4 signer. `latch auth login --aws` uses it, and the CLI's
// session signs a new proof by itself whenever its token expires.
package awsproof

import (
	"context"
	"net/url"
	"os"
	"regexp"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"latch.dev/latch/internal/authn/awsiam"
	"latch.dev/latch/internal/errs"
)

// Options say where to send the signed request's STS and how to sign.
type Options struct {
	// Endpoint is the STS URL the proof is signed for. Empty means
	// AWS_ENDPOINT_URL_STS, then AWS_ENDPOINT_URL, then the global
	// endpoint https://sts.amazonaws.com.
	Endpoint string
	// Region is the signing region. Empty means the region in the
	// endpoint's host name, or us-east-1 (the global endpoint's).
	Region string
	// Getenv reads the environment (os.Getenv when nil).
	Getenv func(string) string
	// Now is the signing time (time.Now when nil).
	Now func() time.Time
}

// Sign returns a proof that the AWS principal of this machine may assume
// identity, bound to audience (the latch server's URL).
func Sign(ctx context.Context, identity, audience string, o Options) (string, error) {
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	endpoint := o.Endpoint
	for _, v := range []string{"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"} {
		if endpoint == "" {
			endpoint = getenv(v)
		}
	}
	if endpoint == "" {
		endpoint = "https://" + awsiam.GlobalEndpoint
	}
	region := o.Region
	if region == "" {
		region = regionOf(endpoint)
	}
	// LoadDefaultConfig also honours AWS_CA_BUNDLE, AWS_PROFILE,
	// AWS_EC2_METADATA_SERVICE_ENDPOINT and the rest of the SDK's
	// settings for the credential providers it may have to call.
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(region))
	if err != nil {
		return "", errs.Wrap(errs.Invalid, err, "the AWS configuration of this machine could not be loaded: %v", err)
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return "", errs.Wrap(errs.Unauthenticated, err, "no AWS credentials were found on this machine (environment, profile, web identity, ECS or EC2 instance role): %v", err)
	}
	proof, err := awsiam.Sign(ctx, creds, endpoint, region, identity, audience, now())
	if err != nil {
		return "", errs.Wrap(errs.Invalid, err, "%v", err)
	}
	return proof, nil
}

// regionHost finds the region in STS host names: sts.REGION.amazonaws.com,
// sts-fips.REGION.amazonaws.com, sts.REGION.amazonaws.com.cn and VPC
// endpoints (…sts.REGION.vpce.amazonaws.com).
var regionHost = regexp.MustCompile(`(?:^|\.)sts(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d+)\.(?:vpce\.)?amazonaws\.com(?:\.cn)?$`)

func regionOf(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err == nil {
		if m := regionHost.FindStringSubmatch(u.Hostname()); m != nil {
			return m[1]
		}
	}
	return awsiam.GlobalRegion
}
