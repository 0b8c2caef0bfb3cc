package awsiam

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// gciQuery is the only query latch forwards.
const gciQuery = "Action=GetCallerIdentity&Version=2011-06-15"

// checkedProof is a proof that passed every local check: what the
// forwarder needs, and nothing it must not send.
type checkedProof struct {
	endpoint Endpoint
	auth     *sigV4Auth
	signedAt time.Time
	identity string
	audience string
	json     bool     // Accept: application/json was signed, so STS answers JSON
	forward  []header // Authorization and the signed headers except host, binding values replaced
}

// checkProof runs the local checks in order; the first failure is
// returned. Nothing here does I/O.
func (v *Verifier) checkProof(req *proofRequest, identity string, now time.Time) (*checkedProof, error) {
	cp := &checkedProof{identity: identity}
	var err error
	if cp.endpoint, err = v.checkHost(req); err != nil {
		return nil, err
	}
	if err := checkShape(req); err != nil {
		return nil, err
	}
	if err := checkHeaders(req); err != nil {
		return nil, err
	}
	if cp.auth, err = checkAuthorization(req, cp.endpoint); err != nil {
		return nil, err
	}
	if err := v.checkBinding(req, cp); err != nil {
		return nil, err
	}
	if err := checkSigned(req, cp); err != nil {
		return nil, err
	}
	if cp.signedAt, err = v.checkTime(req, cp.auth, now); err != nil {
		return nil, err
	}
	cp.forward = forwardHeaders(req, cp)
	return cp, nil
}

// checkHost picks the endpoint from the one signed Host header.
func (v *Verifier) checkHost(req *proofRequest) (Endpoint, error) {
	hosts := req.values("host")
	switch len(hosts) {
	case 0:
		return Endpoint{}, reject(CheckHost, "the AWS proof has no Host header; sign the request for %s", GlobalEndpoint)
	case 1:
	default:
		return Endpoint{}, reject(CheckHost, "the AWS proof has %d Host headers; a request has exactly one", len(hosts))
	}
	return v.endpoints.resolve(hosts[0])
}

// checkShape allows exactly one request: POST, origin-form target "/",
// the query Action=GetCallerIdentity&Version=2011-06-15 and no body. A
// body or any other parameter is a second place for an Action to hide
// (parameter pollution), and any other path or verb reaches another API.
func checkShape(req *proofRequest) error {
	switch {
	case req.method == "POST":
	case strings.EqualFold(req.method, "POST"):
		return reject(CheckRequest, "the request method is %q; HTTP methods are case-sensitive: use POST", req.method)
	default:
		return reject(CheckRequest, "the request method is %s; latch accepts only POST /?%s (curl: -X POST)", truncate(req.method, 20), gciQuery)
	}
	if !strings.HasPrefix(req.target, "/") {
		if strings.Contains(req.target, "://") {
			return reject(CheckRequest, "the request target %q is in absolute form; sign the request as POST /?%s with the STS host in the Host header", truncate(req.target, 100), gciQuery)
		}
		return reject(CheckRequest, "the request target %q does not start with /; sign POST /?%s", truncate(req.target, 100), gciQuery)
	}
	path, query, _ := strings.Cut(req.target, "?")
	if path != "/" {
		return reject(CheckRequest, "the request path is %q; latch only forwards sts:GetCallerIdentity, which is POST /?%s", truncate(path, 100), gciQuery)
	}
	if err := checkQuery(query); err != nil {
		return err
	}
	if len(req.body) > 0 {
		return reject(CheckRequest, "the AWS proof carries a %d-byte request body; latch accepts only POST /?%s with an empty body", len(req.body), gciQuery)
	}
	return nil
}

// checkQuery requires exactly Action=GetCallerIdentity and
// Version=2011-06-15, in either order, each once, keys case-sensitive and
// nothing encoded. A case-variant duplicate is how CVE-2022-2385 made a
// verifier read a value STS never used.
func checkQuery(q string) error {
	bad := func(why string, args ...any) error {
		return reject(CheckRequest, "the query string %q must be exactly %s: %s", truncate(q, 100), gciQuery, fmt.Sprintf(why, args...))
	}
	if q == "" {
		return bad("it is empty")
	}
	want := map[string]string{"Action": "GetCallerIdentity", "Version": "2011-06-15"}
	seen := map[string]bool{}
	for part := range strings.SplitSeq(q, "&") {
		k, val, ok := strings.Cut(part, "=")
		switch {
		case part == "":
			return bad("it has an empty parameter (a stray &)")
		case !ok:
			return bad("parameter %q has no value", truncate(part, 40))
		case seen[strings.ToLower(k)]:
			return bad("parameter %s is given twice", truncate(k, 40))
		}
		seen[strings.ToLower(k)] = true
		w, known := want[k]
		switch {
		case !known:
			return bad("parameter %s is not allowed", truncate(k, 40))
		case val != w:
			return bad("%s is %q", k, truncate(val, 40))
		}
	}
	if len(seen) != len(want) {
		return bad("a parameter is missing")
	}
	return nil
}

// checkHeaders refuses headers that change framing or could be read
// differently by latch and STS: duplicates of the headers latch relies on,
// a body announced by Transfer-Encoding or a non-zero Content-Length, and
// nonceRE is the shape of a Latch-Nonce: enough room for 128 random bits
// in any common encoding, nothing that needs canonicalising.
var nonceRE = regexp.MustCompile(`^[A-Za-z0-9_-]{16,64}$`)

// X-Amz-* headers outside the short list (the CVE-2020-16250 fix).
func checkHeaders(req *proofRequest) error {
	for _, h := range req.header {
		if strings.HasPrefix(h.name, "x-amz-") && !amzAllowed(h.name) {
			return reject(CheckHeaders, "the AWS proof has the header %s, which latch does not forward to STS: remove it and sign again", h.name)
		}
	}
	if len(req.values("transfer-encoding")) > 0 {
		return reject(CheckHeaders, "the AWS proof has a Transfer-Encoding header; the request must have no body")
	}
	for _, v := range req.values("content-length") {
		if v != "0" {
			return reject(CheckHeaders, "the AWS proof has Content-Length %q; the request must have no body", truncate(v, 20))
		}
	}
	for _, name := range []string{"authorization", "x-amz-date", "content-length", headerIdentity, headerAudience, headerNonce, "x-amz-security-token", "x-amz-content-sha256", "accept"} {
		if n := len(req.values(name)); n > 1 {
			return reject(CheckHeaders, "the AWS proof has %d %s headers; it must have at most one", n, displayName(name))
		}
	}
	if v := req.values(headerNonce); len(v) == 1 && !nonceRE.MatchString(v[0]) {
		return reject(CheckHeaders, "the Latch-Nonce header must be 16 to 64 letters, digits, '-' or '_'")
	}
	if v := req.values("x-amz-content-sha256"); len(v) == 1 && v[0] != emptySHA256 {
		return reject(CheckHeaders, "X-Amz-Content-Sha256 is not the hash of an empty body; the request must have no body")
	}
	return nil
}

// checkAuthorization parses the one Authorization header and checks its
// scope against the endpoint: a region that differs from the host's is the
// host/region confusion a regional STS would refuse anyway, so it is
// refused here with a better message and before anything is sent.
func checkAuthorization(req *proofRequest, ep Endpoint) (*sigV4Auth, error) {
	vals := req.values("authorization")
	if len(vals) == 0 {
		return nil, reject(CheckSignature, "the AWS proof has no Authorization header: sign the request with SigV4 (curl: --aws-sigv4 \"aws:amz:%s:sts\")", ep.Region)
	}
	a, err := parseSigV4(vals[0])
	if err != nil {
		return nil, err
	}
	if a.region != ep.Region {
		return nil, reject(CheckSignature, "the signature is scoped to region %q but host %s is the STS endpoint of %s: sign with region %s (curl: --aws-sigv4 \"aws:amz:%s:sts\")",
			truncate(a.region, 40), ep.Host, ep.Region, ep.Region, ep.Region)
	}
	return a, nil
}

// checkBinding requires the binding headers to be present and signed and
// to equal what this exchange expects, compared in the SigV4 canonical
// form (the value the signature covers) and then exactly: a case variant
// is another audience. Because they are signed and latch overwrites them
// with the expected values before forwarding, STS itself refuses a proof
// that was relabelled (GHSA-wq26-3j2m-4hvv) or signed for another relying
// party.
func (v *Verifier) checkBinding(req *proofRequest, cp *checkedProof) error {
	a := cp.auth
	for _, b := range []struct{ name, example string }{
		{headerIdentity, cp.identity},
		{headerAudience, v.audiences[0]},
	} {
		if len(req.values(b.name)) == 0 {
			return reject(CheckBinding, "the AWS proof has no %s header: add -H \"%s: %s\" and sign again",
				displayName(b.name), displayName(b.name), b.example)
		}
		if !a.signs(b.name) {
			return reject(CheckBinding, "the %s header is not signed: add it to the signed headers (curl: pass it with -H so that --aws-sigv4 signs it)", displayName(b.name))
		}
	}
	if got := canonicalValue(req.values(headerIdentity)[0]); got != cp.identity {
		return reject(CheckBinding, "the proof is bound to identity %q, not to the requested identity %q: sign a new proof with Chainguard-Identity: %s",
			truncate(got, 100), cp.identity, cp.identity)
	}
	got := canonicalValue(req.values(headerAudience)[0])
	if !slices.Contains(v.audiences, got) {
		return reject(CheckBinding, "the proof is for audience %q; this server accepts %s: sign a new proof with Chainguard-Audience: %s",
			truncate(got, 100), quoteList(v.audiences), v.audiences[0])
	}
	cp.audience = got
	return nil
}

// checkSigned requires host and x-amz-date to be signed, every signed
// header to be present exactly once (so the canonical request is not
// ambiguous) and on the allowlist, and every X-Amz-* header present to be
// signed (an unsigned session token or date means something else to STS
// than what was signed).
func checkSigned(req *proofRequest, cp *checkedProof) error {
	a := cp.auth
	if len(req.values("x-amz-date")) == 0 {
		return reject(CheckTime, "the AWS proof has no X-Amz-Date header: sign it with SigV4, which adds the date")
	}
	for _, name := range requiredSigned() {
		if !a.signs(name) {
			return reject(CheckSignature, "SignedHeaders does not include %s: sign it", name)
		}
	}
	for _, name := range a.signedHeaders {
		if !signable(name) {
			return reject(CheckSignature, "the proof signs the header %s, which latch does not forward: sign only %s", name, signableHeaders)
		}
		switch n := len(req.values(name)); {
		case n == 0:
			return reject(CheckSignature, "SignedHeaders lists %s but the proof has no such header", name)
		case n > 1:
			return reject(CheckSignature, "the signed header %s appears %d times; it must appear once", name, n)
		}
	}
	for _, h := range req.header {
		if strings.HasPrefix(h.name, "x-amz-") && !a.signs(h.name) {
			return reject(CheckSignature, "the header %s is present but not signed: sign it", displayName(h.name))
		}
	}
	if a.signs("accept") {
		if got := canonicalValue(req.values("accept")[0]); got != "application/json" {
			return reject(CheckSignature, "the signed Accept header is %q; sign Accept: application/json or leave Accept unsigned", truncate(got, 60))
		}
		cp.json = true
	}
	return nil
}

// checkTime applies the window: at most MaxAge old, at most MaxFutureSkew
// ahead, so a leaked proof is useful for minutes, not for STS's whole
// quarter hour either side. The scope's day must be the date's day.
func (v *Verifier) checkTime(req *proofRequest, a *sigV4Auth, now time.Time) (time.Time, error) {
	raw := req.values("x-amz-date")[0] // signed, hence present once
	at, err := time.Parse(amzDateLayout, raw)
	if err != nil || at.Format(amzDateLayout) != raw {
		return time.Time{}, reject(CheckTime, "X-Amz-Date %q is not of the form YYYYMMDDTHHMMSSZ", truncate(raw, 40))
	}
	if day := at.Format(scopeDayLayout); day != a.day {
		return time.Time{}, reject(CheckTime, "the Credential's date %s is not the day of X-Amz-Date %s: sign again", a.day, raw)
	}
	switch age := now.Sub(at); {
	case age > v.maxAge:
		ago := approx(age)
		if ago == approx(v.maxAge) {
			ago = "more than " + ago
		}
		return time.Time{}, reject(CheckTime, "the proof was signed %s ago; proofs are valid for %s: sign a new one", ago, approx(v.maxAge))
	case -age > v.maxFuture:
		return time.Time{}, reject(CheckTime, "the proof is dated %s in the future; this server allows %s of clock skew: check the clock of the machine that signed it", approx(-age), approx(v.maxFuture))
	}
	return at, nil
}

// forwardHeaders is what STS will see: Authorization and every signed
// header except Host (which the transport sets from the endpoint), with the
// binding headers set to the values latch expects.
func forwardHeaders(req *proofRequest, cp *checkedProof) []header {
	out := []header{{name: "authorization", value: req.values("authorization")[0]}}
	for _, name := range cp.auth.signedHeaders {
		switch name {
		case "host":
			continue
		case headerIdentity:
			out = append(out, header{name: name, value: cp.identity})
		case headerAudience:
			out = append(out, header{name: name, value: cp.audience})
		default:
			out = append(out, header{name: name, value: req.values(name)[0]})
		}
	}
	return out
}

// displayName spells a lower-case header name the way people write it.
func displayName(name string) string {
	switch name {
	case headerIdentity:
		return "Chainguard-Identity"
	case headerAudience:
		return "Chainguard-Audience"
	case "x-amz-date":
		return "X-Amz-Date"
	case "x-amz-security-token":
		return "X-Amz-Security-Token"
	case "x-amz-content-sha256":
		return "X-Amz-Content-Sha256"
	case "authorization":
		return "Authorization"
	case "content-length":
		return "Content-Length"
	case "accept":
		return "Accept"
	case headerNonce:
		return "Latch-Nonce"
	}
	return name
}

// approx renders a duration for people: whole minutes from one minute up.
func approx(d time.Duration) string {
	if d >= time.Minute {
		m := int((d + 30*time.Second) / time.Minute)
		if m == 1 {
			return "1 minute"
		}
		return fmt.Sprintf("%d minutes", m)
	}
	s := int(d.Round(time.Second) / time.Second)
	if s == 1 {
		return "1 second"
	}
	return fmt.Sprintf("%d seconds", s)
}

func quoteList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}
