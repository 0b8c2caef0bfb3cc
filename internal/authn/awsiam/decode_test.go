package awsiam

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDecodeReadsTheRequestHead(t *testing.T) {
	t.Parallel()
	lim := Limits{}.withDefaults()
	want := &proofRequest{
		method: "POST", target: "/?" + gciQuery, proto: "HTTP/2",
		header: []header{
			{"host", "sts.amazonaws.com"},
			{"x-amz-date", "20261125T173911Z"},
			{"chainguard-audience", "https://latch.example.dev"},
		},
	}
	raw := "POST /?" + gciQuery + " HTTP/2\r\nHost: sts.amazonaws.com\r\nX-AMZ-Date:20261125T173911Z\r\nchainguard-audience:   https://latch.example.dev  \r\n\r\n"
	cases := []struct{ name, proof string }{
		{"standard padded base64 decodes", base64.StdEncoding.EncodeToString([]byte(raw))},
		{"standard unpadded base64 decodes", base64.RawStdEncoding.EncodeToString([]byte(raw))},
		{"URL-safe padded base64 decodes", base64.URLEncoding.EncodeToString([]byte(raw))},
		{"URL-safe unpadded base64 decodes", base64.RawURLEncoding.EncodeToString([]byte(raw))},
		{"LF line ends decode the same", base64.StdEncoding.EncodeToString([]byte(strings.ReplaceAll(raw, "\r\n", "\n")))},
		{"a missing final empty line decodes the same", base64.StdEncoding.EncodeToString([]byte(strings.TrimSuffix(raw, "\r\n")))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := decodeProof(tc.proof, lim)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(proofRequest{}, header{})); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeKeepsTheBodyForTheShapeCheckToRefuse(t *testing.T) {
	t.Parallel()
	raw := "POST / HTTP/1.1\r\nHost: h\r\n\r\nAction=GetCallerIdentity"
	got, err := decodeProof(base64.StdEncoding.EncodeToString([]byte(raw)), Limits{}.withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	if string(got.body) != "Action=GetCallerIdentity" {
		t.Fatalf("body %q", got.body)
	}
	if want := strings.Replace(raw, "Host:", "host:", 1); string(got.encode()) != want {
		t.Fatalf("encode() = %q, want %q", got.encode(), want)
	}
}

func TestDecodeRefusals(t *testing.T) {
	t.Parallel()
	lim := Limits{}.withDefaults()
	cases := []struct{ name, raw, want string }{
		{"a single line is not a request", "POST / HTTP/1.1", "is one line"},
		{"a request line with two spaces is refused", "POST  / HTTP/1.1\r\n\r\n", "not a request line"},
		{"a request line with an odd method is refused", "PO(ST / HTTP/1.1\r\n\r\n", "not an HTTP method"},
		{"a header line without a colon is refused", "POST / HTTP/1.1\r\nHost\r\n\r\n", "not a header line"},
		{"an empty header name is refused", "POST / HTTP/1.1\r\n: v\r\n\r\n", "not an HTTP token"},
		{"a tab in a value is refused", "POST / HTTP/1.1\r\nA: a\tb\r\n\r\n", "control character"},
		{"DEL in a value is refused", "POST / HTTP/1.1\r\nA: a\x7fb\r\n\r\n", "control character"},
		{"a last line without its line end is refused", "POST / HTTP/1.1\r\nA: b", "ends in the middle of line 2"},
		{"an empty request line is refused", "\r\nA: b\r\n\r\n", "no request line"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := decodeProof(base64.StdEncoding.EncodeToString([]byte(tc.raw)), lim)
			if err == nil || FailedCheck(err) != CheckDecode || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("decode = %v, want a decode refusal mentioning %q", err, tc.want)
			}
		})
	}
}

func TestCanonicalValueFollowsSigV4(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"a":         "a",
		"  a  ":     "a",
		"a  b   c":  "a b c",
		"":          "",
		"https://x": "https://x",
	} {
		if got := canonicalValue(in); got != want {
			t.Errorf("canonicalValue(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseSigV4(t *testing.T) {
	t.Parallel()
	sig := strings.Repeat("ab", 32)
	good := "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLEEXAMPLE01/20261125/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + sig
	a, err := parseSigV4(good)
	if err != nil {
		t.Fatal(err)
	}
	if a.accessKeyID != "ASIAEXAMPLEEXAMPLE01" || a.day != "20261125" || a.region != "us-east-1" || !a.signs("host") || a.signs("accept") {
		t.Fatalf("parsed %+v", a)
	}
	cases := []struct{ name, v, want string }{
		{"a missing Signature is refused", strings.Replace(good, ", Signature="+sig, "", 1), "no Signature"},
		{"a short signature is refused", strings.Replace(good, sig, "abc", 1), "64 lower-case hex"},
		{"an upper-case signature is refused", strings.Replace(good, sig, strings.ToUpper(sig), 1), "64 lower-case hex"},
		{"a credential with four parts is refused", strings.Replace(good, "/sts/aws4_request", "/aws4_request", 1), "ACCESS_KEY/YYYYMMDD"},
		{"a wrong terminator is refused", strings.Replace(good, "aws4_request", "aws4_requesT", 1), "instead of aws4_request"},
		{"a bad date is refused", strings.Replace(good, "20261125", "20261399", 1), "YYYYMMDD"},
		{"a lower-case access key is refused", strings.Replace(good, "ASIAEXAMPLEEXAMPLE01", "asiaexampleexample01", 1), "access key ID"},
		{"upper-case signed header names are refused", strings.Replace(good, "host;x-amz-date", "Host;x-amz-date", 1), "lower-case header names"},
		{"a duplicate signed header is refused", strings.Replace(good, "host;x-amz-date", "host;host", 1), "not sorted or names a header twice"},
		{"an empty component is refused", strings.Replace(good, ", Signature", ",, Signature", 1), "not Key=Value"},
		{"a missing algorithm is refused", strings.TrimPrefix(good, "AWS4-HMAC-SHA256 "), "only AWS4-HMAC-SHA256"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := parseSigV4(tc.v)
			if err == nil || FailedCheck(err) != CheckSignature || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("parseSigV4 = %v, want a refusal mentioning %q", err, tc.want)
			}
		})
	}
}

// FuzzQuickDecodeBase64 holds the quick path of decodeBase64 to the
// checked one: it accepts exactly what the checked path accepts, with the
// same bytes.
func FuzzQuickDecodeBase64(f *testing.F) {
	for _, s := range []string{
		"UE9TVCAvIEhUVFAvMS4x", "UE9TVCAvIEhUVFAvMS4xDQo=", "UE9TVCAvIEhUVFAvMS4xDQo", "a+b/", "a-b_", "a+b-",
		"YQ==", "YQ=", "YQ", "Y", "====", "", " YWJj\n", "YW\nJj", "YW\rJj", "YW=Jj", "YWJj=", "YWJ", "YR==", "YWJjZA=="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		quick, ok := quickDecodeBase64(s)
		checked, err := checkedDecodeBase64(s)
		if ok != (err == nil) {
			t.Fatalf("%q: quick path ok=%v, checked path error %v", s, ok, err)
		}
		if ok && string(quick) != string(checked) {
			t.Fatalf("%q: quick path decoded %q, checked path %q", s, quick, checked)
		}
	})
}
