package awsiam

import (
	"strings"
	"testing"
)

func TestParseXMLAnswerIsStrict(t *testing.T) {
	t.Parallel()
	if r, err := parseXMLAnswer([]byte(validXMLAnswer)); err != nil || r.Arn != "arn:aws:iam::123456789012:user/victim" || r.RequestID != "r-1" {
		t.Fatalf("parseXMLAnswer(valid) = %+v, %v", r, err)
	}
	cases := []struct{ name, body string }{
		{"another namespace is refused", strings.Replace(validXMLAnswer, "2011-06-15", "2099-01-01", 1)},
		{"no namespace is refused", strings.Replace(validXMLAnswer, ` xmlns="https://sts.amazonaws.com/doc/2011-06-15/"`, "", 1)},
		{"an attribute is refused", strings.Replace(validXMLAnswer, "<Arn>", `<Arn a="b">`, 1)},
		{"a comment is refused", strings.Replace(validXMLAnswer, "<Arn>", "<!-- x --><Arn>", 1)},
		{"a nested element in a leaf is refused", strings.Replace(validXMLAnswer, "<Arn>", "<Arn><Arn>x</Arn>", 1)},
		{"a second Arn is refused", strings.Replace(validXMLAnswer, "<Account>", "<Arn>x</Arn><Account>", 1)},
		{"a case-variant second Arn is refused", strings.Replace(validXMLAnswer, "<Account>", "<arn>x</arn><Account>", 1)},
		{"an unknown element is refused", strings.Replace(validXMLAnswer, "<Account>", "<Extra/><Account>", 1)},
		{"a second root is refused", validXMLAnswer + validXMLAnswer},
		{"an error envelope is refused", `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"/>`},
		{"a truncated document is refused", validXMLAnswer[:len(validXMLAnswer)-5]},
		{"a late declaration is refused", validXMLAnswer + `<?xml version="1.0"?>`},
		{"a response without a result is refused", `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"></GetCallerIdentityResponse>`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if r, err := parseXMLAnswer([]byte(tc.body)); err == nil {
				t.Fatalf("parseXMLAnswer accepted %q as %+v", tc.body, r)
			}
		})
	}
}

func TestParseJSONAnswerIsStrict(t *testing.T) {
	t.Parallel()
	if r, err := parseJSONAnswer([]byte(validJSONAnswer)); err != nil || r.Account != testAccount {
		t.Fatalf("parseJSONAnswer(valid) = %+v, %v", r, err)
	}
	cases := []struct{ name, body string }{
		{"a lower-case member is refused", strings.Replace(validJSONAnswer, `"Arn"`, `"arn"`, 1)},
		{"a number is refused", strings.Replace(validJSONAnswer, `"Account":"123456789012"`, `"Account":123456789012`, 1)},
		{"null is refused", strings.Replace(validJSONAnswer, `"Account":"123456789012"`, `"Account":null`, 1)},
		{"an array is refused", "[" + validJSONAnswer + "]"},
		{"a missing result is refused", `{"GetCallerIdentityResponse":{"ResponseMetadata":{"RequestId":"x"}}}`},
		{"a second top-level member is refused", strings.TrimSuffix(validJSONAnswer, "}") + `,"x":1}`},
		{"a truncated document is refused", validJSONAnswer[:len(validJSONAnswer)-1]},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if r, err := parseJSONAnswer([]byte(tc.body)); err == nil {
				t.Fatalf("parseJSONAnswer accepted %q as %+v", tc.body, r)
			}
		})
	}
}

func TestParseSTSErrorReadsBothEncodings(t *testing.T) {
	t.Parallel()
	x := parseSTSError([]byte(`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>`))
	j := parseSTSError([]byte(`{"Error":{"Code":"ExpiredToken","Message":"expired\nnow","Type":"Sender"},"RequestId":"r"}`))
	if !x.throttling() || x.describe(400) != "Throttling: Rate exceeded" {
		t.Errorf("XML error %+v", x)
	}
	if !j.signatureProblem() || j.Message != "expired?now" {
		t.Errorf("JSON error %+v (control characters must be replaced)", j)
	}
	if got := parseSTSError([]byte("<html>")).describe(502); got != "HTTP 502" {
		t.Errorf("garbage error describes as %q", got)
	}
}
