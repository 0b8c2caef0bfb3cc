package fakeaws

import (
	"net/http"
	"strings"
	"testing"
)

func TestSTSAnswersGetCallerIdentityInBothShapesAndEncodings(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	cases := []struct {
		name     string
		spec     signSpec
		wantJSON bool
	}{
		{"a latch proof with the action in the query and JSON wanted gets JSON", proofSpec(f.temp, testNow), true},
		{"a form body like the SDK sends gets XML", formSpec(f.temp, testNow), false},
		{"a query-shaped request without Accept gets XML", func() signSpec {
			s := proofSpec(f.temp, testNow)
			delete(s.headers, "Accept")
			return s
		}(), false},
		{"an Accept list that includes application/json gets JSON", func() signSpec {
			s := proofSpec(f.temp, testNow)
			s.headers["Accept"] = "text/xml;q=0.5, application/json"
			return s
		}(), true},
		{"a GET with the action in the query is answered", func() signSpec {
			s := proofSpec(f.temp, testNow)
			s.method = http.MethodGet
			return s
		}(), true},
		{"long-term user keys without a session token are answered", proofSpec(f.longTerm, testNow), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := serve(f.sts, newSignedRequest(t, tc.spec))
			if w.Code != http.StatusOK {
				t.Fatalf("status %d, body %s", w.Code, w.Body)
			}
			want := f.role
			if tc.spec.creds.AccessKeyID == f.longTerm.AccessKeyID {
				want = f.user
			}
			reqID := requestIDHeader(w.Header())
			if len(reqID) != 36 {
				t.Errorf("x-amzn-RequestId = %q, want a UUID", reqID)
			}
			var got Principal
			var bodyID string
			if tc.wantJSON {
				if ct := w.Header().Get("Content-Type"); ct != "application/json" {
					t.Fatalf("Content-Type = %q, want application/json", ct)
				}
				var v jsonCallerIdentity
				mustUnmarshalJSON(t, w.Body.Bytes(), &v)
				r := v.Response.Result
				got, bodyID = Principal{Account: r.Account, Arn: r.Arn, UserID: r.UserID}, v.Response.Metadata.RequestID
			} else {
				if ct := w.Header().Get("Content-Type"); ct != "text/xml" {
					t.Fatalf("Content-Type = %q, want text/xml", ct)
				}
				var v xmlCallerIdentity
				mustUnmarshalXML(t, w.Body.Bytes(), &v)
				if v.XMLName.Space != stsNamespace {
					t.Errorf("namespace %q, want %q", v.XMLName.Space, stsNamespace)
				}
				got, bodyID = Principal{Account: v.Result.Account, Arn: v.Result.Arn, UserID: v.Result.UserID}, v.RequestID
			}
			if got != want {
				t.Errorf("principal = %+v, want %+v", got, want)
			}
			if bodyID != reqID {
				t.Errorf("body RequestId %q != header %q", bodyID, reqID)
			}
		})
	}
}

func TestSTSResponseBodiesMatchTheDocumentedShapes(t *testing.T) {
	t.Parallel()
	p := Principal{Account: "123456789012", Arn: "arn:aws:iam::123456789012:user/Alice", UserID: "AIDACKCEVSQ6C2EXAMPLE"}
	id := "01234567-89ab-cdef-0123-456789abcdef"
	cases := []struct {
		name string
		got  encodedBody
		want string
	}{
		{"the JSON answer is the envelope verifiers decode", callerIdentityBody(p, id, true),
			`{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account":"123456789012","Arn":"arn:aws:iam::123456789012:user/Alice","UserId":"AIDACKCEVSQ6C2EXAMPLE"},"ResponseMetadata":{"RequestId":"01234567-89ab-cdef-0123-456789abcdef"}}}`},
		{"the XML answer carries the STS namespace", callerIdentityBody(p, id, false),
			`<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/Alice</Arn>
    <UserId>AIDACKCEVSQ6C2EXAMPLE</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>
`},
		{"a JSON error is the Error and RequestId twin", errorBody(403, "SignatureDoesNotMatch", "nope", id, true),
			`{"Error":{"Code":"SignatureDoesNotMatch","Message":"nope","Type":"Sender"},"RequestId":"01234567-89ab-cdef-0123-456789abcdef"}`},
		{"an XML error is an ErrorResponse and a server fault is the Receiver's", errorBody(500, "InternalFailure", "oops", id, false),
			`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>Receiver</Type>
    <Code>InternalFailure</Code>
    <Message>oops</Message>
  </Error>
  <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>
</ErrorResponse>
`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if string(tc.got.data) != tc.want {
				t.Errorf("body:\n%s\nwant:\n%s", tc.got.data, tc.want)
			}
		})
	}
}

func TestSTSRefusesEverythingButGetCallerIdentity(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	cases := []struct {
		name   string
		edit   func(*signSpec)
		status int
		code   string
		msg    string
	}{
		{"another action is an InvalidAction", func(s *signSpec) { s.target = "/?Action=AssumeRole&Version=2011-06-15" },
			400, "InvalidAction", "Could not find operation AssumeRole for version 2011-06-15"},
		{"another API version is an InvalidAction", func(s *signSpec) { s.target = "/?Action=GetCallerIdentity&Version=2010-01-01" },
			400, "InvalidAction", "Could not find operation GetCallerIdentity for version 2010-01-01"},
		{"a request without an action is a MissingAction", func(s *signSpec) { s.target = "/?Version=2011-06-15" },
			400, "MissingAction", "Missing Action"},
		{"an action in both the query and the body is refused", func(s *signSpec) {
			s.target = "/?" + gciQuery
			s.body = "Action=AssumeRole"
			s.contentType = "application/x-www-form-urlencoded"
		}, 400, "InvalidAction", "exactly once"},
		{"a PUT is not allowed", func(s *signSpec) { s.method = http.MethodPut }, 405, "MethodNotAllowed", "PUT"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := proofSpec(f.temp, testNow)
			tc.edit(&s)
			w := serve(f.sts, newSignedRequest(t, s))
			checkSTSError(t, w.Result(), tc.status, tc.code, tc.msg)
		})
	}
}

func TestSTSCapsTheBody(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := formSpec(f.temp, testNow)
	s.body = gciQuery + "&Pad=" + strings.Repeat("x", maxSTSBody)
	w := serve(f.sts, newSignedRequest(t, s))
	checkSTSError(t, w.Result(), http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "at most")
}

// checkSTSError asserts an STS error answer.
func checkSTSError(t *testing.T, res *http.Response, status int, code, msgPart string) {
	t.Helper()
	if res.StatusCode != status {
		t.Errorf("status = %d, want %d", res.StatusCode, status)
	}
	e := stsErrorOf(t, res)
	if e.Error.Code != code {
		t.Errorf("code = %q, want %q (message %q)", e.Error.Code, code, e.Error.Message)
	}
	if !strings.Contains(e.Error.Message, msgPart) {
		t.Errorf("message = %q, want it to contain %q", e.Error.Message, msgPart)
	}
	if h := requestIDHeader(res.Header); e.RequestID == "" || h != e.RequestID {
		t.Errorf("RequestId %q, header %q", e.RequestID, h)
	}
}

// requestIDHeader reads x-amzn-RequestId from a header map filled by the
// handler (AWS spelling, as set) or by an HTTP client (canonical key).
func requestIDHeader(h http.Header) string {
	if v := h["x-amzn-RequestId"]; len(v) > 0 {
		return v[0]
	}
	return h.Get("x-amzn-RequestId")
}
