package fakeaws

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go/logging"
)

// SigV4 constants.
const (
	sigV4Algorithm = "AWS4-HMAC-SHA256"
	sigV4Terminal  = "aws4_request"
	amzDateLayout  = "20060102T150405Z"
	scopeDateFmt   = "20060102"
	// maxSkew is how far X-Amz-Date may be from the clock, either way;
	// STS allows 15 minutes.
	maxSkew = 15 * time.Minute
)

// malformed is a parse failure whose text is meant for the client, in the
// words STS uses (hence capitalised and punctuated).
type malformed string

// Error returns the client-facing message.
func (m malformed) Error() string { return string(m) }

// authorization is a parsed SigV4 Authorization header.
type authorization struct {
	accessKeyID   string
	date          string // YYYYMMDD from the scope
	region        string
	service       string
	signedHeaders []string
	signedRaw     string
	signature     string
}

// signs reports whether the client signed the header (lower-case name).
func (a authorization) signs(name string) bool {
	_, found := slices.BinarySearch(a.signedHeaders, name)
	return found
}

// parseAuthorization parses `AWS4-HMAC-SHA256 Credential=…,
// SignedHeaders=…, Signature=…` strictly: the one algorithm, each part
// exactly once, nothing else, well-formed values. Errors become
// IncompleteSignature.
func parseAuthorization(v string) (authorization, error) {
	rest, ok := strings.CutPrefix(v, sigV4Algorithm+" ")
	if !ok {
		alg, _, _ := strings.Cut(v, " ")
		return authorization{}, malformed(fmt.Sprintf("Unsupported AWS 'algorithm': '%s'. Only %s is accepted.", alg, sigV4Algorithm))
	}
	var a authorization
	var credential string
	seen := map[string]bool{}
	for part := range strings.SplitSeq(rest, ",") {
		part = strings.TrimSpace(part)
		key, val, ok := strings.Cut(part, "=")
		if !ok || val == "" {
			return authorization{}, malformed(fmt.Sprintf("Authorization header part %q is not of the form Key=Value.", part))
		}
		switch key {
		case "Credential", "SignedHeaders", "Signature":
		default:
			return authorization{}, malformed(fmt.Sprintf("Authorization header has an unknown parameter %q.", key))
		}
		if seen[key] {
			return authorization{}, malformed(fmt.Sprintf("Authorization header has more than one '%s' parameter.", key))
		}
		seen[key] = true
		switch key {
		case "Credential":
			credential = val
		case "SignedHeaders":
			a.signedRaw = val
		case "Signature":
			a.signature = val
		}
	}
	var missing []string
	for _, key := range []string{"Credential", "Signature", "SignedHeaders"} {
		if !seen[key] {
			missing = append(missing, fmt.Sprintf("Authorization header requires '%s' parameter.", key))
		}
	}
	if len(missing) > 0 {
		return authorization{}, malformed(strings.Join(missing, " "))
	}

	fields := strings.Split(credential, "/")
	if len(fields) != 5 {
		return authorization{}, malformed(fmt.Sprintf("Credential %q must have the form ACCESSKEY/YYYYMMDD/region/service/%s.", credential, sigV4Terminal))
	}
	a.accessKeyID, a.date, a.region, a.service = fields[0], fields[1], fields[2], fields[3]
	if a.accessKeyID == "" {
		return authorization{}, malformed("Credential has an empty access key id.")
	}
	if _, err := time.Parse(scopeDateFmt, a.date); err != nil || len(a.date) != 8 {
		return authorization{}, malformed(fmt.Sprintf("Credential date %q is not YYYYMMDD.", a.date))
	}
	if !isScopeWord(a.region) || !isScopeWord(a.service) {
		return authorization{}, malformed(fmt.Sprintf("Credential scope %q has an empty or malformed region or service.", credential))
	}
	if fields[4] != sigV4Terminal {
		return authorization{}, malformed(fmt.Sprintf("Credential should be scoped with a valid terminator: '%s', not '%s'.", sigV4Terminal, fields[4]))
	}

	a.signedHeaders = strings.Split(a.signedRaw, ";")
	for i, h := range a.signedHeaders {
		if h == "" || !isLowerToken(h) {
			return authorization{}, malformed(fmt.Sprintf("SignedHeaders %q must be lower-case header names separated by ';'.", a.signedRaw))
		}
		if i > 0 && a.signedHeaders[i-1] >= h {
			return authorization{}, malformed(fmt.Sprintf("SignedHeaders %q must be sorted and without duplicates.", a.signedRaw))
		}
	}

	if len(a.signature) != 64 || !isLowerHex(a.signature) {
		return authorization{}, malformed("Signature must be 64 lower-case hex digits.")
	}
	return a, nil
}

func isScopeWord(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-'
	}) < 0
}

func isLowerToken(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return false
		}
		return !strings.ContainsRune("!#$%&'*+-.^_`|~", r)
	}) < 0
}

func isLowerHex(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		return (r < '0' || r > '9') && (r < 'a' || r > 'f')
	}) < 0
}

// verifyRequest checks a GetCallerIdentity request's SigV4 signature the
// way STS does and returns the caller's principal. body is the complete
// request body.
func (s *STS) verifyRequest(ctx context.Context, r *http.Request, body []byte) (Principal, *apiError) {
	authz := r.Header.Values("Authorization")
	switch len(authz) {
	case 0:
		return Principal{}, errMissingAuth()
	case 1:
	default:
		return Principal{}, errIncomplete("Request must contain exactly one Authorization header.")
	}
	a, err := parseAuthorization(authz[0])
	if err != nil {
		return Principal{}, errIncomplete(err.Error())
	}

	dates := r.Header.Values("X-Amz-Date")
	if len(dates) == 0 {
		return Principal{}, errIncomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header; this emulator accepts only X-Amz-Date.")
	}
	if len(dates) > 1 {
		return Principal{}, errIncomplete("Request must contain exactly one X-Amz-Date header.")
	}
	signedAt, err := time.Parse(amzDateLayout, dates[0])
	if err != nil || signedAt.Format(amzDateLayout) != dates[0] {
		return Principal{}, errIncomplete(fmt.Sprintf("Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", dates[0]))
	}

	if a.service != "sts" {
		return Principal{}, errSignature("Credential should be scoped to correct service: 'sts'. ")
	}
	if len(s.regions) > 0 && !slices.Contains(s.regions, a.region) {
		return Principal{}, errSignature("Credential should be scoped to a valid region. ")
	}
	if day := signedAt.Format(scopeDateFmt); a.date != day {
		return Principal{}, errSignature(fmt.Sprintf(
			"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
			a.date, day, dates[0]))
	}
	if !a.signs("host") {
		return Principal{}, errSignature("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
	}

	now := s.now().UTC()
	if earliest := now.Add(-maxSkew); signedAt.Before(earliest) {
		return Principal{}, errSignature(fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - 15 min.)",
			dates[0], earliest.Format(amzDateLayout), now.Format(amzDateLayout)))
	}
	if latest := now.Add(maxSkew); signedAt.After(latest) {
		return Principal{}, errSignature(fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + 15 min.)",
			dates[0], latest.Format(amzDateLayout), now.Format(amzDateLayout)))
	}

	creds, principal, ok := s.registry.Lookup(a.accessKeyID)
	if !ok {
		return Principal{}, errInvalidToken()
	}
	tokens := r.Header.Values("X-Amz-Security-Token")
	if creds.SessionToken != "" {
		if len(tokens) != 1 || subtle.ConstantTimeCompare([]byte(tokens[0]), []byte(creds.SessionToken)) != 1 {
			return Principal{}, errInvalidToken()
		}
		if !a.signs("x-amz-security-token") {
			return Principal{}, errSignature("X-Amz-Security-Token must be a signed header.")
		}
	} else if len(tokens) > 0 {
		return Principal{}, errInvalidToken()
	}
	if creds.expired(now) {
		return Principal{}, &apiError{status: http.StatusForbidden, code: "ExpiredToken", message: "The security token included in the request is expired"}
	}

	sum := sha256.Sum256(body)
	payloadHash := hex.EncodeToString(sum[:])
	if claimed := r.Header.Values("X-Amz-Content-Sha256"); len(claimed) > 0 {
		if len(claimed) != 1 || claimed[0] != payloadHash {
			return Principal{}, &apiError{status: http.StatusBadRequest, code: "XAmzContentSHA256Mismatch",
				message: "The provided 'x-amz-content-sha256' header does not match what was computed."}
		}
	}

	clone, err := signedOnly(r, a)
	if err != nil {
		return Principal{}, errIncomplete(err.Error())
	}
	sessionToken := ""
	if a.signs("x-amz-security-token") && len(tokens) == 1 {
		sessionToken = tokens[0]
	}
	var canonical string
	keepCanonical := func(o *v4.SignerOptions) {
		// Only worth formatting when someone will read it.
		if s.log.Enabled(ctx, slog.LevelDebug) {
			o.LogSigning = true
			o.Logger = logging.LoggerFunc(func(_ logging.Classification, format string, v ...any) {
				canonical = fmt.Sprintf(format, v...)
			})
		}
	}
	err = s.signer.SignHTTP(ctx, aws.Credentials{
		AccessKeyID:     creds.AccessKeyID,
		SecretAccessKey: creds.SecretAccessKey,
		SessionToken:    sessionToken,
	}, clone, payloadHash, a.service, a.region, signedAt, keepCanonical)
	if err != nil {
		return Principal{}, &apiError{status: http.StatusInternalServerError, code: "InternalFailure", message: "re-signing failed", cause: fmt.Errorf("re-sign request: %w", err)}
	}
	mine, err := parseAuthorization(clone.Header.Get("Authorization"))
	if err != nil {
		return Principal{}, &apiError{status: http.StatusInternalServerError, code: "InternalFailure", message: "re-signing failed", cause: fmt.Errorf("parse own signature: %w", err)}
	}
	sameHeaders := mine.signedRaw == a.signedRaw
	sameSig := subtle.ConstantTimeCompare([]byte(mine.signature), []byte(a.signature)) == 1
	if !sameHeaders || !sameSig {
		e := errSignature("The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
		detail := "signature differs"
		if !sameHeaders {
			detail = fmt.Sprintf("signed headers differ: client %q, recomputed %q", a.signedRaw, mine.signedRaw)
			// The SDK signer never signs these, so a client that signed one
			// cannot be checked by re-signing.
			for _, h := range []string{"authorization", "expect", "transfer-encoding", "user-agent", "x-amzn-trace-id"} {
				if a.signs(h) {
					detail += fmt.Sprintf("; the client signed %q, which the SDK signer cannot reproduce", h)
				}
			}
		}
		e.cause = fmt.Errorf("%s; %s", detail, canonical)
		return Principal{}, e
	}
	return principal, nil
}

// signedOnly builds the request the client must have signed: same method,
// path, query and Host, and only the headers named in SignedHeaders. host
// and x-amz-date are set by the signer itself, the session token goes in
// through the credentials, and content-length only counts when signed.
func signedOnly(r *http.Request, a authorization) (*http.Request, error) {
	u := &url.URL{Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
	clone := &http.Request{
		Method: r.Method,
		URL:    u,
		Host:   r.Host,
		Header: make(http.Header, len(a.signedHeaders)),
	}
	for _, name := range a.signedHeaders {
		switch name {
		case "host", "x-amz-date", "x-amz-security-token":
			continue
		case "content-length":
			n := r.ContentLength
			if v := r.Header.Get("Content-Length"); v != "" {
				var err error
				if n, err = strconv.ParseInt(v, 10, 64); err != nil {
					return nil, malformed(fmt.Sprintf("Content-Length %q is not a number.", v))
				}
			}
			clone.ContentLength = n
			continue
		}
		if vals := r.Header.Values(name); len(vals) > 0 {
			clone.Header[http.CanonicalHeaderKey(name)] = slices.Clone(vals)
		}
	}
	return clone, nil
}
