package awsiam

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Sign builds the proof a workload hands to latch: a POST
// /?Action=GetCallerIdentity&Version=2011-06-15 to endpoint with an empty
// body, Accept: application/json and the two binding headers, signed with
// the aws-sdk-go-v2 SigV4 signer for service sts in region (the session
// token, if any, is added and signed as X-Amz-Security-Token), serialized
// with req.Write and encoded with padded URL-safe base64, exactly as the
// Chainguard SDK's generator does, plus a signed random Latch-Nonce header
// so that two proofs signed in the same second differ.
//
// endpoint defaults to https://sts.amazonaws.com and region to us-east-1;
// a regional endpoint must be signed for its own region (see
// [EndpointURL]). now is the signing time.
func Sign(ctx context.Context, creds aws.Credentials, endpoint, region, identity, audience string, now time.Time) (string, error) {
	if endpoint == "" {
		endpoint = "https://" + GlobalEndpoint
	}
	if region == "" {
		region = GlobalRegion
	}
	switch {
	case creds.AccessKeyID == "" || creds.SecretAccessKey == "":
		return "", errors.New("sign AWS proof: credentials need an access key ID and a secret access key")
	case identity == "":
		return "", errors.New("sign AWS proof: the identity to assume is required")
	case audience == "":
		return "", errors.New("sign AWS proof: the audience (the latch server URL) is required")
	case !validRegion(region):
		return "", fmt.Errorf("sign AWS proof: %q is not an AWS region name", region)
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return "", fmt.Errorf("sign AWS proof: endpoint %q is not an https://host[:port] URL", endpoint)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.Scheme+"://"+u.Host+"/?"+gciQuery, nil)
	if err != nil {
		return "", fmt.Errorf("sign AWS proof: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Chainguard-Identity", identity)
	req.Header.Set("Chainguard-Audience", audience)
	nonce := make([]byte, 16)
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("sign AWS proof: %w", err)
	}
	req.Header.Set("Latch-Nonce", base64.RawURLEncoding.EncodeToString(nonce))
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, emptySHA256, stsService, region, now.UTC()); err != nil {
		return "", fmt.Errorf("sign AWS proof: %w", err)
	}
	var b bytes.Buffer
	if err := req.Write(&b); err != nil {
		return "", fmt.Errorf("sign AWS proof: serialize: %w", err)
	}
	return base64.URLEncoding.EncodeToString(b.Bytes()), nil
}
