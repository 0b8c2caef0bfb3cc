package awsiam

import (
	"strings"
	"time"
)

// SigV4 constants.
const (
	sigV4Algorithm = "AWS4-HMAC-SHA256"
	sigV4Terminal  = "aws4_request"
	amzDateLayout  = "20060102T150405Z"
	scopeDayLayout = "20060102"
	stsService     = "sts"
	// emptySHA256 is the payload hash of an empty body.
	emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// The binding headers, lower-case as in SignedHeaders.
const (
	headerIdentity = "chainguard-identity"
	headerAudience = "chainguard-audience"
	// headerNonce is latch's own optional header: a random value that the
	// client signs so that two proofs signed in the same second (SigV4
	// dates have one-second resolution) differ, and the single-use rule
	// does not refuse the second of two logins started together.
	headerNonce = "latch-nonce"
)

// signableHeaders lists, sorted, the only headers a proof may sign. Each
// has a reason: host and x-amz-date are required by SigV4 and by latch;
// the binding headers are required by latch; the session token
// authenticates temporary credentials; accept selects the JSON answer;
// content-length and x-amz-content-sha256 describe the (empty) body;
// latch-nonce makes proofs signed in the same second distinct.
// Anything else would be forwarded to STS with a meaning latch did not
// check.
const signableHeaders = "accept, chainguard-audience, chainguard-identity, content-length, host, latch-nonce, x-amz-content-sha256, x-amz-date, x-amz-security-token"

func signable(name string) bool {
	switch name {
	case "accept", headerAudience, headerIdentity, headerNonce, "content-length", "host",
		"x-amz-content-sha256", "x-amz-date", "x-amz-security-token":
		return true
	}
	return false
}

// requiredSigned must all be signed: an unsigned binding header can be
// added to a request signed for another relying party (GHSA-wq26-3j2m-4hvv),
// and host and date bind the signature to an endpoint and a time.
func requiredSigned() [4]string {
	return [4]string{headerAudience, headerIdentity, "host", "x-amz-date"}
}

// amzAllowed reports the X-Amz-* headers a proof may carry at all, as in
// Vault's fix for CVE-2020-16250; any other one could change what STS does
// or how it answers.
func amzAllowed(name string) bool {
	switch name {
	case "x-amz-content-sha256", "x-amz-date", "x-amz-security-token":
		return true
	}
	return false
}

// sigV4Auth is a parsed Authorization header.
type sigV4Auth struct {
	credential    string // the whole Credential value
	accessKeyID   string
	day           string // YYYYMMDD
	region        string
	service       string
	signedHeaders []string
	signedRaw     string
	signature     string
}

func (a *sigV4Auth) signs(name string) bool {
	for _, h := range a.signedHeaders {
		if h == name {
			return true
		}
	}
	return false
}

// parseSigV4 parses "AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…,
// Signature=…" strictly: the one algorithm, each component exactly once and
// nothing else. Vault's greedy regex read the last SignedHeaders= of a
// header STS read differently; here a second one is an error.
func parseSigV4(v string) (*sigV4Auth, error) {
	alg, rest, ok := strings.Cut(v, " ")
	if !ok || alg != sigV4Algorithm {
		return nil, reject(CheckSignature, "the Authorization header uses %q; latch accepts only %s (SigV4) signatures", truncate(alg, 40), sigV4Algorithm)
	}
	a := &sigV4Auth{}
	seen := map[string]bool{}
	for part := range strings.SplitSeq(rest, ",") {
		key, val, ok := strings.Cut(strings.TrimLeft(part, " "), "=")
		if !ok || val == "" {
			return nil, reject(CheckSignature, "the Authorization header has the component %q, which is not Key=Value", truncate(strings.TrimSpace(part), 60))
		}
		switch key {
		case "Credential", "SignedHeaders", "Signature":
		default:
			return nil, reject(CheckSignature, "the Authorization header has the component %q; it may hold only Credential, SignedHeaders and Signature", truncate(key, 40))
		}
		if seen[key] {
			return nil, reject(CheckSignature, "the Authorization header has %s twice; it must hold each component once", key)
		}
		seen[key] = true
		switch key {
		case "Credential":
			a.credential = val
		case "SignedHeaders":
			a.signedRaw = val
		case "Signature":
			a.signature = val
		}
	}
	for _, key := range []string{"Credential", "SignedHeaders", "Signature"} {
		if !seen[key] {
			return nil, reject(CheckSignature, "the Authorization header has no %s component", key)
		}
	}
	f := strings.Split(a.credential, "/")
	if len(f) != 5 {
		return nil, reject(CheckSignature, "the Credential %q is not ACCESS_KEY/YYYYMMDD/REGION/sts/aws4_request", truncate(a.credential, 120))
	}
	a.accessKeyID, a.day, a.region, a.service = f[0], f[1], f[2], f[3]
	if !isAccessKeyID(a.accessKeyID) {
		return nil, reject(CheckSignature, "the access key ID in the Credential is not an AWS access key ID")
	}
	if d, err := time.Parse(scopeDayLayout, a.day); err != nil || d.Format(scopeDayLayout) != a.day {
		return nil, reject(CheckSignature, "the Credential's date %q is not YYYYMMDD", truncate(a.day, 20))
	}
	if a.service != stsService {
		return nil, reject(CheckSignature, "the Credential is scoped to service %q; sign for service sts (curl: --aws-sigv4 \"aws:amz:REGION:sts\")", truncate(a.service, 40))
	}
	if f[4] != sigV4Terminal {
		return nil, reject(CheckSignature, "the Credential ends in %q instead of %s", truncate(f[4], 40), sigV4Terminal)
	}
	if len(a.signature) != 64 || !isLowerHex(a.signature) {
		return nil, reject(CheckSignature, "the Signature is not 64 lower-case hex digits")
	}
	a.signedHeaders = strings.Split(a.signedRaw, ";")
	for i, h := range a.signedHeaders {
		if !isToken(h) || strings.ToLower(h) != h {
			return nil, reject(CheckSignature, "SignedHeaders %q is not a list of lower-case header names separated by ';'", truncate(a.signedRaw, 200))
		}
		if i > 0 && a.signedHeaders[i-1] >= h {
			return nil, reject(CheckSignature, "SignedHeaders %q is not sorted or names a header twice", truncate(a.signedRaw, 200))
		}
	}
	return a, nil
}

// isAccessKeyID reports the shape of AWS access key IDs: upper-case
// letters and digits, 16 to 128 of them.
func isAccessKeyID(s string) bool {
	if len(s) < 16 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if (s[i] < 'A' || s[i] > 'Z') && (s[i] < '0' || s[i] > '9') {
			return false
		}
	}
	return true
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if (s[i] < '0' || s[i] > '9') && (s[i] < 'a' || s[i] > 'f') {
			return false
		}
	}
	return true
}

// canonicalValue is a header value as SigV4 signs it: trimmed, with runs
// of spaces collapsed to one. Comparing this form (and then requiring an
// exact match) means latch checks the very value the signature covers.
func canonicalValue(v string) string {
	v = strings.Trim(v, " ")
	if !strings.Contains(v, "  ") {
		return v
	}
	var b strings.Builder
	space := false
	for i := 0; i < len(v); i++ {
		if v[i] == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b.WriteByte(v[i])
	}
	return b.String()
}
