package awsiam

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"latch.dev/latch/internal/errs"
)

// badCase is one bad input from the research checklist, section (c).
type badCase struct {
	name     string
	opts     []rigOption
	proof    func(t *testing.T, r *rig) string
	identity string // default testIdentity
	kind     errs.Kind
	check    Check
	want     []string // the message names the broken input
}

// edit signs a good proof and rewrites its request text.
func edit(f func(raw string) string) func(t *testing.T, r *rig) string {
	return func(t *testing.T, r *rig) string {
		return std(f(r.spec().raw(t)))
	}
}

// specProof signs a spec the rig's default spec is changed into.
func specProof(f func(s spec) spec) func(t *testing.T, r *rig) string {
	return func(t *testing.T, r *rig) string {
		return f(r.spec()).proof(t)
	}
}

// insertHeaders adds header lines after the request line.
func insertHeaders(raw string, lines ...string) string {
	first, rest, _ := strings.Cut(raw, "\r\n")
	return first + "\r\n" + strings.Join(lines, "") + rest
}

func withHost(h string) func(s spec) spec {
	return func(s spec) spec { s.host = h; return s }
}

func withTarget(target string) func(s spec) spec {
	return func(s spec) spec { s.target = target; return s }
}

func regional() rigOption {
	return withConfig(func(_ *rig, c *Config) { c.Endpoints.Regional = true })
}

func TestBadInputIsRefusedBeforeSTSIsCalled(t *testing.T) {
	t.Parallel()
	const refused = errs.Unauthenticated
	cases := []badCase{
		// (c) 1: size caps, applied before decoding.
		{name: "a proof over the 16 KiB cap is refused before it is decoded (c1)",
			proof: func(*testing.T, *rig) string { return strings.Repeat("A", 16<<10+4) },
			kind:  refused, check: CheckDecode, want: []string{"16388 bytes", "limit is 16384"}},
		{name: "a proof with 10 000 headers is refused by the size cap (c1)",
			proof: edit(func(raw string) string { return insertHeaders(raw, strings.Repeat("X-H: v\r\n", 10000)) }),
			kind:  refused, check: CheckDecode, want: []string{"limit is 16384"}},
		{name: "a proof with a 1 MiB header value is refused by the size cap (c1)",
			proof: edit(func(raw string) string { return insertHeaders(raw, "X-Big: "+strings.Repeat("a", 1<<20)+"\r\n") }),
			kind:  refused, check: CheckDecode, want: []string{"limit is 16384"}},
		{name: "a proof with more than 32 headers is refused even under the size cap (c1)",
			proof: edit(func(raw string) string { return insertHeaders(raw, strings.Repeat("X-Pad: v\r\n", 30)) }),
			kind:  refused, check: CheckDecode, want: []string{"more than 32 headers"}},
		{name: "a 9 KiB header line is refused even under the size cap (c1)",
			proof: edit(func(raw string) string { return insertHeaders(raw, "X-Pad: "+strings.Repeat("a", 9000)+"\r\n") }),
			kind:  refused, check: CheckDecode, want: []string{"line 2", "9007 bytes", "limit is 8192"}},

		// (c) 2: encoding.
		{name: "a proof that is not base64 is refused (c2)",
			proof: func(*testing.T, *rig) string { return "this is not base64" },
			kind:  refused, check: CheckDecode, want: []string{"not base64", "character 5"}},
		{name: "a proof mixing the standard and URL-safe alphabets is refused (c2)",
			proof: func(*testing.T, *rig) string { return "UE9TVCAv+abc-def" },
			kind:  refused, check: CheckDecode, want: []string{"mixes the standard (+/) and URL-safe (-_)"}},
		{name: "a proof cut short in the middle of a character is refused (c2)",
			proof: func(t *testing.T, r *rig) string {
				p := base64.RawStdEncoding.EncodeToString([]byte(r.spec().raw(t)))
				for len(p)%4 != 1 {
					p = p[:len(p)-1]
				}
				return p
			},
			kind: refused, check: CheckDecode, want: []string{"cut short"}},
		{name: "a line-wrapped proof (base64 without -w0) is refused (c2)",
			proof: func(t *testing.T, r *rig) string { p := r.spec().proof(t); return p[:76] + "\n" + p[76:] },
			kind:  refused, check: CheckDecode, want: []string{"line break at character 77", "base64 -w0"}},
		{name: "padding in the middle of a proof is refused (c2)",
			proof: func(t *testing.T, r *rig) string { p := r.spec().proof(t); return p[:8] + "==" + p[8:] },
			kind:  refused, check: CheckDecode, want: []string{"'=' padding at character 9"}},
		{name: "a proof that is not UTF-8 is refused (c2)",
			proof: edit(func(raw string) string { return strings.Replace(raw, testIdentity, testIdentity+"\xff\xfe", 1) }),
			kind:  refused, check: CheckDecode, want: []string{"not valid UTF-8"}},
		{name: "a NUL in a header value is refused (c2)",
			proof: edit(func(raw string) string { return strings.Replace(raw, testIdentity, testIdentity+"\x00evil", 1) }),
			kind:  refused, check: CheckDecode, want: []string{`control character '\x00'`}},
		{name: "a bare CR inside a header value is refused (c2)",
			proof: edit(func(raw string) string { return strings.Replace(raw, testIdentity, testIdentity+"\rX-Evil: 1", 1) }),
			kind:  refused, check: CheckDecode, want: []string{`control character '\r'`}},
		{name: "a proof mixing CRLF and LF line ends is refused (c2)",
			proof: edit(func(raw string) string { return strings.Replace(raw, "\r\nAccept:", "\nAccept:", 1) }),
			kind:  refused, check: CheckDecode, want: []string{"ends in LF where the others end in CRLF"}},
		{name: "a folded header line is refused (c2)",
			proof: edit(func(raw string) string {
				return strings.Replace(raw, "Chainguard-Audience: ", "Chainguard-Audience: x\r\n ", 1)
			}),
			kind: refused, check: CheckDecode, want: []string{"folded header line"}},
		{name: "whitespace between a header name and its colon is refused (c2)",
			proof: edit(func(raw string) string {
				return strings.Replace(raw, "Chainguard-Identity:", "Chainguard-Identity :", 1)
			}),
			kind: refused, check: CheckDecode, want: []string{`"Chainguard-Identity "`, "not an HTTP token"}},
		{name: "an HTTP/1.0 request line is refused (c2)",
			proof: edit(func(raw string) string { return strings.Replace(raw, " HTTP/1.1\r\n", " HTTP/1.0\r\n", 1) }),
			kind:  refused, check: CheckDecode, want: []string{`"HTTP/1.0"`}},

		// (c) 3: the host decides where latch connects, so only allowlisted
		// hosts pass, compared exactly.
		{name: "host evil.com is refused (c3)", proof: specProof(withHost("evil.com")),
			kind: refused, check: CheckHost, want: []string{"host evil.com is not an STS endpoint this server accepts"}},
		{name: "host sts.amazonaws.com.evil.com is refused (c3)", proof: specProof(withHost("sts.amazonaws.com.evil.com")),
			kind: refused, check: CheckHost, want: []string{"host sts.amazonaws.com.evil.com is not an STS endpoint"}},
		{name: "host sts.amazonaws.com@evil.com is refused (c3)", proof: specProof(withHost("sts.amazonaws.com@evil.com")),
			kind: refused, check: CheckHost, want: []string{"sts.amazonaws.com@evil.com", "user information"}},
		{name: "host sts.amazonaws.com:8443 is refused (c3)", proof: specProof(withHost("sts.amazonaws.com:8443")),
			kind: refused, check: CheckHost, want: []string{"sts.amazonaws.com:8443 names port 8443"}},
		{name: "host sts.amazonaws.com:443 is refused, ports are never signed (c3)", proof: specProof(withHost("sts.amazonaws.com:443")),
			kind: refused, check: CheckHost, want: []string{"names port 443", "without a port"}},
		{name: "a trailing dot is refused (c3)", proof: specProof(withHost("sts.amazonaws.com.")),
			kind: refused, check: CheckHost, want: []string{"sts.amazonaws.com. ends with a dot"}},
		{name: "an upper-case host is refused (c3)", proof: specProof(withHost("STS.amazonaws.com")),
			kind: refused, check: CheckHost, want: []string{"STS.amazonaws.com has upper-case letters"}},
		{name: "an IPv4 literal is refused (c3)", proof: specProof(withHost("52.94.0.1")),
			kind: refused, check: CheckHost, want: []string{"52.94.0.1 is an IP address"}},
		{name: "an IPv6 literal is refused (c3)", proof: specProof(withHost("[::1]")),
			kind: refused, check: CheckHost, want: []string{"[::1] is an IP address"}},
		{name: "another port on the operator endpoint's address is refused (c3)", proof: specProof(withHost("127.0.0.1:1")),
			kind: refused, check: CheckHost, want: []string{"127.0.0.1:1 is an IP address"}},
		{name: "an IDN homoglyph of sts.amazonaws.com is refused (c3)", proof: specProof(withHost("\u0455ts.amazonaws.com")),
			kind: refused, check: CheckHost, want: []string{"\u0455ts.amazonaws.com is not an STS endpoint"}},
		{name: "a punycode host is refused (c3)", proof: specProof(withHost("xn--ts-gmc.amazonaws.com")),
			kind: refused, check: CheckHost, want: []string{"xn--ts-gmc.amazonaws.com is not an STS endpoint"}},
		{name: "an empty Host is refused (c3)", proof: specProof(withHost("")),
			kind: refused, check: CheckHost, want: []string{"Host header of the AWS proof is empty"}},
		{name: "a proof without a Host header is refused (c3)",
			proof: func(t *testing.T, r *rig) string {
				return std(strings.Replace(r.spec().raw(t), "Host: "+r.host+"\r\n", "", 1))
			},
			kind: refused, check: CheckHost, want: []string{"no Host header"}},
		{name: "two Host headers are refused (c3)",
			proof: edit(func(raw string) string { return insertHeaders(raw, "host: sts.amazonaws.com\r\n") }),
			kind:  refused, check: CheckHost, want: []string{"2 Host headers"}},

		// (c) 4: the target must be origin-form.
		{name: "an absolute-form target naming another host is refused (c4)",
			proof: specProof(withTarget("https://evil.com/?" + gciQuery)),
			kind:  refused, check: CheckRequest, want: []string{`"https://evil.com/?Action`, "absolute form"}},

		// (c) 5: the credential scope cannot smuggle a host.
		{name: "a region with a newline breaks the request and is refused (c5)",
			proof: specProof(func(s spec) spec { s.region = "us-east-1\n.evil.com"; return s }),
			kind:  refused, check: CheckDecode, want: []string{"line 4", "ends in LF"}},
		{name: "a region with a newline in an LF-only proof is refused (c5)",
			proof: func(t *testing.T, r *rig) string {
				s := r.spec()
				s.region = "us-east-1\n.evil.com"
				return std(strings.ReplaceAll(s.raw(t), "\r\n", "\n"))
			},
			kind: refused, check: CheckDecode, want: []string{`".evil.com/sts/aws4_request`, "not a header line"}},
		{name: "a region x.evil.com# is refused (c5)",
			proof: specProof(func(s spec) spec { s.region = "x.evil.com#"; return s }),
			kind:  refused, check: CheckSignature, want: []string{`scoped to region "x.evil.com#"`, "sign with region us-east-1"}},
		{name: "a 300-character region is refused (c5)",
			proof: specProof(func(s spec) spec { s.region = strings.Repeat("r", 300); return s }),
			kind:  refused, check: CheckSignature, want: []string{`scoped to region "rrrr`, "…"}},

		// (c) 6: real STS hosts outside the enabled set.
		{name: "a China endpoint is refused on an aws-only server (c6)",
			proof: specProof(withHost("sts.cn-north-1.amazonaws.com.cn")),
			kind:  refused, check: CheckHost, want: []string{"sts.cn-north-1.amazonaws.com.cn", "partition aws-cn"}},
		{name: "a GovCloud endpoint is refused on an aws-only server (c6)",
			proof: specProof(withHost("sts.us-gov-west-1.amazonaws.com")),
			kind:  refused, check: CheckHost, want: []string{"sts.us-gov-west-1.amazonaws.com", "partition aws-us-gov"}},
		{name: "a China region under the .com domain is refused (c6)", opts: []rigOption{regional()},
			proof: specProof(withHost("sts.cn-north-1.amazonaws.com")),
			kind:  refused, check: CheckHost, want: []string{"sts.cn-north-1.amazonaws.com is not an STS endpoint"}},
		{name: "a regional endpoint is refused when regional endpoints are off (c6)",
			proof: specProof(func(s spec) spec { s.host, s.region = "sts.eu-west-1.amazonaws.com", "eu-west-1"; return s }),
			kind:  refused, check: CheckHost, want: []string{"sts.eu-west-1.amazonaws.com is a regional STS endpoint", "sts.amazonaws.com with region us-east-1"}},

		// (c) 7: the scope's region must be the host's.
		{name: "a us-west-2 scope for the us-east-1 host is refused (c7)", opts: []rigOption{regional()},
			proof: specProof(func(s spec) spec { s.host, s.region = "sts.us-east-1.amazonaws.com", "us-west-2"; return s }),
			kind:  refused, check: CheckSignature, want: []string{`region "us-west-2"`, "sts.us-east-1.amazonaws.com", "sign with region us-east-1"}},
		{name: "a us-west-2 scope for the global host is refused (c7)",
			proof: specProof(func(s spec) spec { s.host, s.region = "sts.amazonaws.com", "us-west-2"; return s }),
			kind:  refused, check: CheckSignature, want: []string{`region "us-west-2"`, "sign with region us-east-1"}},

		// (c) 8: verb and path.
		{name: "method GET is refused (c8)", proof: specProof(func(s spec) spec { s.method = "GET"; return s }),
			kind: refused, check: CheckRequest, want: []string{"method is GET"}},
		{name: "method PUT is refused (c8)", proof: specProof(func(s spec) spec { s.method = "PUT"; return s }),
			kind: refused, check: CheckRequest, want: []string{"method is PUT"}},
		{name: "lower-case method post is refused (c8)", proof: specProof(func(s spec) spec { s.method = "post"; return s }),
			kind: refused, check: CheckRequest, want: []string{`"post"`, "case-sensitive"}},
		{name: "path /x is refused (c8)", proof: specProof(withTarget("/x?" + gciQuery)),
			kind: refused, check: CheckRequest, want: []string{`path is "/x"`}},
		{name: "path //evil.com/ is refused (c8)", proof: specProof(withTarget("//evil.com/?" + gciQuery)),
			kind: refused, check: CheckRequest, want: []string{`path is "//evil.com/"`}},
		{name: "path /%2e%2e/ is refused (c8)", proof: specProof(withTarget("/%2e%2e/?" + gciQuery)),
			kind: refused, check: CheckRequest, want: []string{`path is "/%2e%2e/"`}},

		// (c) 9: only GetCallerIdentity, in exactly one spelling.
		{name: "Action=AssumeRole is refused (c9)", proof: specProof(withTarget("/?Action=AssumeRole&Version=2011-06-15")),
			kind: refused, check: CheckRequest, want: []string{`Action is "AssumeRole"`}},
		{name: "a second Action is refused (c9)", proof: specProof(withTarget("/?Action=GetCallerIdentity&Action=AssumeRole&Version=2011-06-15")),
			kind: refused, check: CheckRequest, want: []string{"parameter Action is given twice"}},
		{name: "a lower-case action key is refused (c9)", proof: specProof(withTarget("/?action=GetCallerIdentity&Version=2011-06-15")),
			kind: refused, check: CheckRequest, want: []string{"parameter action is not allowed"}},
		{name: "an extra RoleArn parameter is refused (c9)", proof: specProof(withTarget("/?" + gciQuery + "&RoleArn=arn:aws:iam::1:role/x")),
			kind: refused, check: CheckRequest, want: []string{"parameter RoleArn is not allowed"}},
		{name: "a trailing & is refused (c9)", proof: specProof(withTarget("/?" + gciQuery + "&")),
			kind: refused, check: CheckRequest, want: []string{"stray &"}},
		{name: "a percent-encoded Action is refused (c9)", proof: specProof(withTarget("/?Action=GetCaller%49dentity&Version=2011-06-15")),
			kind: refused, check: CheckRequest, want: []string{`Action is "GetCaller%49dentity"`}},
		{name: "a request without a query is refused (c9)", proof: specProof(withTarget("/")),
			kind: refused, check: CheckRequest, want: []string{"it is empty"}},
		{name: "a form body is refused even with the right query (c9)",
			proof: specProof(func(s spec) spec { s.body = "Action=AssumeRole&Version=2011-06-15"; return s }),
			kind:  refused, check: CheckRequest, want: []string{"36-byte request body"}},

		// (c) 10: presigned shapes are not accepted at all.
		{name: "X-Amz-Expires=-1 is refused (c10)", proof: specProof(withTarget("/?" + gciQuery + "&X-Amz-Expires=-1")),
			kind: refused, check: CheckRequest, want: []string{"parameter X-Amz-Expires is not allowed"}},
		{name: "X-Amz-Expires=901 is refused (c10)", proof: specProof(withTarget("/?" + gciQuery + "&X-Amz-Expires=901")),
			kind: refused, check: CheckRequest, want: []string{"X-Amz-Expires"}},
		{name: "X-Amz-Expires=60abc is refused (c10)", proof: specProof(withTarget("/?" + gciQuery + "&X-Amz-Expires=60abc")),
			kind: refused, check: CheckRequest, want: []string{"X-Amz-Expires"}},
		{name: "X-Amz-Credential and x-amz-credential together are refused (CVE-2022-2385) (c10)",
			proof: specProof(withTarget("/?" + gciQuery + "&X-Amz-Credential=a&x-amz-credential=b")),
			kind:  refused, check: CheckRequest, want: []string{"parameter X-Amz-Credential is not allowed"}},
		{name: "a presigned GET is refused (c10)",
			proof: specProof(func(s spec) spec {
				s.method, s.target = "GET", "/?"+gciQuery+"&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=60"
				return s
			}),
			kind: refused, check: CheckRequest, want: []string{"method is GET"}},

		// (c) 11: binding headers must be signed (GHSA-wq26-3j2m-4hvv).
		{name: "an unsigned Chainguard-Audience is refused (c11)",
			proof: specProof(func(s spec) spec {
				s = s.without("Chainguard-Audience")
				s.unsigned = [][2]string{{"Chainguard-Audience", testAudience}}
				return s
			}),
			kind: refused, check: CheckBinding, want: []string{"Chainguard-Audience header is not signed", "--aws-sigv4"}},
		{name: "an unsigned Chainguard-Identity is refused (c11)",
			proof: specProof(func(s spec) spec {
				s = s.without("Chainguard-Identity")
				s.unsigned = [][2]string{{"Chainguard-Identity", testIdentity}}
				return s
			}),
			kind: refused, check: CheckBinding, want: []string{"Chainguard-Identity header is not signed"}},
		{name: "a proof without Chainguard-Identity is refused (c11)",
			proof: specProof(func(s spec) spec { return s.without("Chainguard-Identity") }),
			kind:  refused, check: CheckBinding, want: []string{"no Chainguard-Identity header", "Chainguard-Identity: " + testIdentity}},
		{name: "a proof without Chainguard-Audience is refused (c11)",
			proof: specProof(func(s spec) spec { return s.without("Chainguard-Audience") }),
			kind:  refused, check: CheckBinding, want: []string{"no Chainguard-Audience header", "Chainguard-Audience: " + testAudience}},

		// (c) 12: signed, but for someone else.
		{name: "another service's audience is refused (c12)",
			proof: specProof(func(s spec) spec { return s.with("Chainguard-Audience", "https://other.example.com") }),
			kind:  refused, check: CheckBinding, want: []string{`audience "https://other.example.com"`, testAudience}},
		{name: "an audience with a trailing slash is another audience (c12)",
			proof: specProof(func(s spec) spec { return s.with("Chainguard-Audience", testAudience+"/") }),
			kind:  refused, check: CheckBinding, want: []string{`audience "` + testAudience + `/"`}},
		{name: "an audience with doubled inner spaces is compared in canonical form and refused (c12)",
			proof: specProof(func(s spec) spec { return s.with("Chainguard-Audience", testAudience+"  x") }),
			kind:  refused, check: CheckBinding, want: []string{`audience "` + testAudience + ` x"`}},
		{name: "a case variant of the audience is refused (c12)",
			proof: specProof(func(s spec) spec { return s.with("Chainguard-Audience", "https://LATCH.example.dev") }),
			kind:  refused, check: CheckBinding, want: []string{`audience "https://LATCH.example.dev"`}},
		{name: "a proof bound to another identity is refused (c12)",
			proof: specProof(func(s spec) spec {
				return s.with("Chainguard-Identity", "ffffffffffffffffffffffffffffffffffffffff/0123456789abcdef")
			}),
			kind: refused, check: CheckBinding, want: []string{`bound to identity "ffffffffffffffffffffffffffffffffffffffff/0123456789abcdef"`, testIdentity}},
		{name: "a proof presented for another identity than it names is refused (c12)",
			proof:    func(t *testing.T, r *rig) string { return r.spec().proof(t) },
			identity: "0123456789abcdef0123456789abcdef01234567",
			kind:     refused, check: CheckBinding, want: []string{"not to the requested identity \"0123456789abcdef0123456789abcdef01234567\""}},

		// (c) 13: duplicates that two readers could read differently.
		{name: "two audience headers in different case are refused (c13)",
			proof: specProof(func(s spec) spec {
				s.unsigned = [][2]string{{"chainguard-audience", "https://other.example.com"}}
				return s
			}),
			kind: refused, check: CheckHeaders, want: []string{"2 Chainguard-Audience headers"}},
		{name: "two Authorization headers are refused (c13)",
			proof: edit(func(raw string) string {
				return insertHeaders(raw, "Authorization: AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEEXAMPLE00/20261125/us-east-1/sts/aws4_request, SignedHeaders=host, Signature="+strings.Repeat("0", 64)+"\r\n")
			}),
			kind: refused, check: CheckHeaders, want: []string{"2 Authorization headers"}},
		{name: "two SignedHeaders components are refused (c13)",
			proof: edit(func(raw string) string {
				return strings.Replace(raw, ", Signature=", ", SignedHeaders=host, Signature=", 1)
			}),
			kind: refused, check: CheckSignature, want: []string{"SignedHeaders twice"}},
		{name: "two X-Amz-Date headers are refused (c13)",
			proof: edit(func(raw string) string { return insertHeaders(raw, "x-amz-date: 20261125T173000Z\r\n") }),
			kind:  refused, check: CheckHeaders, want: []string{"2 X-Amz-Date headers"}},
		{name: "an unknown Authorization component is refused (c13)",
			proof: edit(func(raw string) string {
				return strings.Replace(raw, ", Signature=", ", Region=us-east-1, Signature=", 1)
			}),
			kind: refused, check: CheckSignature, want: []string{`component "Region"`}},
		{name: "a SigV4a signature is refused (c13)",
			proof: edit(func(raw string) string {
				return strings.Replace(raw, "AWS4-HMAC-SHA256 ", "AWS4-ECDSA-P256-SHA256 ", 1)
			}),
			kind: refused, check: CheckSignature, want: []string{`"AWS4-ECDSA-P256-SHA256"`, "only AWS4-HMAC-SHA256"}},
		{name: "a signature for another service is refused (c13)",
			proof: specProof(func(s spec) spec { s.service = "iam"; return s }),
			kind:  refused, check: CheckSignature, want: []string{`service "iam"`}},

		// (c) 14: the signed header list must describe the request exactly.
		{name: "a signed header that is absent is refused (c14)",
			proof: edit(func(raw string) string { return strings.Replace(raw, "Accept: application/json\r\n", "", 1) }),
			kind:  refused, check: CheckSignature, want: []string{"SignedHeaders lists accept but the proof has no such header"}},
		{name: "a signed header outside the allowlist is refused (c14)",
			proof: specProof(func(s spec) spec { return s.with("X-Forwarded-For", "10.0.0.1") }),
			kind:  refused, check: CheckSignature, want: []string{"signs the header x-forwarded-for"}},
		{name: "an unsigned host is refused (c14)",
			proof: edit(func(raw string) string { return strings.Replace(raw, ";host;", ";", 1) }),
			kind:  refused, check: CheckSignature, want: []string{"SignedHeaders does not include host"}},
		{name: "an unsorted SignedHeaders list is refused (c14)",
			proof: edit(func(raw string) string {
				return strings.Replace(raw, "SignedHeaders=accept;", "SignedHeaders=host;accept;", 1)
			}),
			kind: refused, check: CheckSignature, want: []string{"not sorted"}},
		{name: "an unsigned session token is refused (c14)",
			proof: func(t *testing.T, r *rig) string {
				s := r.spec()
				s.creds = aws.Credentials{AccessKeyID: r.creds.AccessKeyID, SecretAccessKey: r.creds.SecretAccessKey}
				s.unsigned = [][2]string{{"X-Amz-Security-Token", r.creds.SessionToken}}
				return s.proof(t)
			},
			kind: refused, check: CheckSignature, want: []string{"X-Amz-Security-Token is present but not signed"}},

		// (c) 15: time.
		{name: "a proof signed 16 minutes ago is refused (c15)",
			proof: specProof(func(s spec) spec { s.at = s.at.Add(-16 * time.Minute); return s }),
			kind:  refused, check: CheckTime, want: []string{"signed 16 minutes ago", "valid for 15 minutes", "sign a new one"}},
		{name: "a proof signed 22 minutes ago is refused (c15)",
			proof: specProof(func(s spec) spec { s.at = s.at.Add(-22 * time.Minute); return s }),
			kind:  refused, check: CheckTime, want: []string{"proof was signed 22 minutes ago; proofs are valid for 15 minutes: sign a new one"}},
		{name: "a proof dated 10 minutes ahead is refused (c15)",
			proof: specProof(func(s spec) spec { s.at = s.at.Add(10 * time.Minute); return s }),
			kind:  refused, check: CheckTime, want: []string{"10 minutes in the future", "allows 5 minutes"}},
		{name: "a malformed X-Amz-Date is refused (c15)",
			proof: func(t *testing.T, r *rig) string {
				raw := r.spec().raw(t)
				return std(strings.Replace(raw, "X-Amz-Date: "+testNow.Format(amzDateLayout), "X-Amz-Date: 2026-11-25T17:39:11Z", 1))
			},
			kind: refused, check: CheckTime, want: []string{`X-Amz-Date "2026-11-25T17:39:11Z"`}},
		{name: "a missing X-Amz-Date is refused (c15)",
			proof: func(t *testing.T, r *rig) string {
				raw := r.spec().raw(t)
				return std(strings.Replace(raw, "X-Amz-Date: "+testNow.Format(amzDateLayout)+"\r\n", "", 1))
			},
			kind: refused, check: CheckTime, want: []string{"no X-Amz-Date header"}},
		{name: "a scope date that is not the signing day is refused (c15)",
			proof: edit(func(raw string) string { return strings.Replace(raw, "/20261125/", "/20261124/", 1) }),
			kind:  refused, check: CheckTime, want: []string{"Credential's date 20261124 is not the day of X-Amz-Date"}},

		// (c) 17: headers that change what STS does or how it answers.
		{name: "a signed Latch-Nonce that is too short is refused",
			proof: specProof(func(s spec) spec { return s.with("Latch-Nonce", "abc") }),
			kind:  refused, check: CheckHeaders, want: []string{"Latch-Nonce", "16 to 64"}},
		{name: "a signed X-Amz-Foo header is refused (c17)",
			proof: specProof(func(s spec) spec { return s.with("X-Amz-Foo", "bar") }),
			kind:  refused, check: CheckHeaders, want: []string{"header x-amz-foo"}},
		{name: "an unsigned X-Amz-Foo header is refused (c17)",
			proof: specProof(func(s spec) spec { s.unsigned = [][2]string{{"X-Amz-Foo", "bar"}}; return s }),
			kind:  refused, check: CheckHeaders, want: []string{"header x-amz-foo"}},
		{name: "Transfer-Encoding: chunked is refused (c17)",
			proof: specProof(func(s spec) spec { s.unsigned = [][2]string{{"Transfer-Encoding", "chunked"}}; return s }),
			kind:  refused, check: CheckHeaders, want: []string{"Transfer-Encoding"}},
		{name: "a non-zero Content-Length is refused (c17)",
			proof: specProof(func(s spec) spec { s.unsigned = [][2]string{{"Content-Length", "12"}}; return s }),
			kind:  refused, check: CheckHeaders, want: []string{`Content-Length "12"`}},
		{name: "a signed Accept other than application/json is refused (c17)",
			proof: specProof(func(s spec) spec { return s.with("Accept", "text/html") }),
			kind:  refused, check: CheckSignature, want: []string{`signed Accept header is "text/html"`}},
		{name: "a signed Accept listing two formats is refused (c17)",
			proof: specProof(func(s spec) spec { return s.with("Accept", "application/json, text/xml") }),
			kind:  refused, check: CheckSignature, want: []string{`"application/json, text/xml"`}},
		{name: "an X-Amz-Content-Sha256 of a non-empty body is refused (c17)",
			proof: specProof(func(s spec) spec { return s.with("X-Amz-Content-Sha256", strings.Repeat("a", 64)) }),
			kind:  refused, check: CheckHeaders, want: []string{"X-Amz-Content-Sha256"}},

		// The caller's own parameters.
		{name: "a proof without an identity to assume is refused",
			proof:    func(t *testing.T, r *rig) string { return r.spec().proof(t) },
			identity: "-",
			kind:     errs.Invalid, check: CheckInput, want: []string{"identity to assume is required"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, tc.opts...)
			proof := tc.proof(t, r)
			id := tc.identity
			switch id {
			case "":
				id = testIdentity
			case "-":
				id = ""
			}
			before := r.stsRequests()
			_, err := r.v.Verify(context.Background(), proof, id)
			wantRefusal(t, err, tc.kind, tc.check, tc.want...)
			if n := r.stsRequests() - before; n != 0 {
				t.Errorf("STS was called %d times for a proof refused locally", n)
			}
			if got := len(r.replay.keys); got != 0 {
				t.Errorf("a locally refused proof was claimed in the replay store (%d keys)", got)
			}
		})
	}
}

func TestAListenerThatIsNotAnAllowedEndpointIsNeverContacted(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	// A second, working STS on another port that the verifier was not told
	// about: a proof signed for it (with valid credentials) must not reach
	// it.
	other := newRig(t)
	s := r.spec()
	s.host = other.host
	s.creds = other.creds
	_, err := r.v.Verify(context.Background(), s.proof(t), testIdentity)
	wantRefusal(t, err, errs.Unauthenticated, CheckHost, other.host)
	if n := other.stsRequests(); n != 0 {
		t.Fatalf("the listener that is not an allowed endpoint received %d requests", n)
	}
	if n := r.stsRequests(); n != 0 {
		t.Fatalf("the allowed endpoint received %d requests for a proof signed for another host", n)
	}
}

func TestMessagesDoNotRevealOtherIdentitiesOrInternals(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	_, err := r.v.Verify(context.Background(), r.spec().with("Accept", "x").proof(t), testIdentity)
	msg := errs.Message(err)
	for _, leak := range []string{r.creds.SecretAccessKey, r.creds.SessionToken, "aws4_request, SignedHeaders"} {
		if strings.Contains(msg, leak) {
			t.Errorf("message %q reveals %q", msg, leak)
		}
	}
	if !strings.Contains(err.Error(), "signature check") {
		t.Errorf("the logged error %q does not name the check", err.Error())
	}
	fmt.Fprintln(t.Output(), msg)
}
