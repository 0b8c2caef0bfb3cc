package awsiam

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
	"unicode/utf8"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
)

// stsNamespace is the XML namespace of STS's Query API answers.
const stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"

// parseAnswer reads a 200 answer in the one format latch asked for. The
// parsers are strict (CVE-2020-16250 was an XML document hidden inside a
// JSON answer that a lenient decoder found): the Content-Type must be the
// requested format's, the body valid UTF-8 and exactly one envelope with
// exactly the known members, each once, case-sensitively, and nothing
// before or after it.
func parseAnswer(a attempt, cp *checkedProof, lim Limits) (iam.AWSPrincipal, string, error) {
	host := cp.endpoint.Host
	unreadable := func(err error, what string) error {
		return refuse(CheckResponse, errs.Unavailable, fmt.Errorf("STS answer from %s: %w", host, err),
			"AWS STS at %s answered with %s, which latch does not accept; the proof was not accepted", host, what)
	}
	want := "text/xml"
	if cp.json {
		want = "application/json"
	}
	cts := a.header.Values("Content-Type")
	if len(cts) != 1 {
		return iam.AWSPrincipal{}, "", unreadable(fmt.Errorf("%d Content-Type headers", len(cts)), "no single Content-Type")
	}
	mt, _, err := mime.ParseMediaType(cts[0])
	if err != nil || mt != want {
		return iam.AWSPrincipal{}, "", unreadable(fmt.Errorf("content type %q, want %s", cts[0], want),
			fmt.Sprintf("the content type %q where %s was expected", truncate(sanitize(cts[0]), 60), want))
	}
	if !utf8.Valid(a.body) {
		return iam.AWSPrincipal{}, "", unreadable(errors.New("body is not UTF-8"), "a body that is not UTF-8")
	}
	var r callerIdentity
	if cp.json {
		r, err = parseJSONAnswer(a.body)
	} else {
		r, err = parseXMLAnswer(a.body)
	}
	if err != nil {
		return iam.AWSPrincipal{}, "", unreadable(err, "a malformed GetCallerIdentity body")
	}
	p := iam.AWSPrincipal{Account: r.Account, ARN: r.Arn, UserID: r.UserID}
	rid := ""
	if printable(r.RequestID, 128) {
		rid = r.RequestID
	}
	return p, rid, checkPrincipal(p, cp.endpoint)
}

// checkPrincipal checks what the matcher cannot know: that the answer came
// from an endpoint of the principal's own partition. A principal of
// another partition would mean the endpoint is not what the operator
// thinks it is.
func checkPrincipal(p iam.AWSPrincipal, ep Endpoint) error {
	bad := func(format string, args ...any) error {
		return refuse(CheckResponse, errs.Unauthenticated, nil, "AWS STS at %s reported "+format+"; the proof was not accepted", append([]any{ep.Host}, args...)...)
	}
	switch {
	case p.Account == "" || p.ARN == "" || p.UserID == "":
		return bad("an empty account, ARN or user ID")
	case !printable(p.Account, 12) || len(p.Account) != 12 || strings.Trim(p.Account, "0123456789") != "":
		return bad("the account %q, which is not 12 digits", truncate(sanitize(p.Account), 40))
	case !printable(p.ARN, 2048) || !printable(p.UserID, 256):
		return bad("an ARN or user ID with characters STS never returns")
	}
	parts := strings.SplitN(p.ARN, ":", 6)
	switch {
	case len(parts) != 6 || parts[0] != "arn":
		return bad("%s, which is not an ARN", p.ARN)
	case parts[1] != ep.Partition:
		return bad("the principal %s of partition %s, but it answers for partition %s", p.ARN, parts[1], ep.Partition)
	case parts[4] != p.Account:
		return bad("the principal %s, which is not in the reported account %s", p.ARN, p.Account)
	}
	return nil
}

// callerIdentity is the GetCallerIdentity result.
type callerIdentity struct {
	Account, Arn, UserID, RequestID string
}

// parseXMLAnswer reads the XML envelope with the same strictness: an
// optional XML declaration, then exactly one GetCallerIdentityResponse in
// STS's namespace holding exactly one GetCallerIdentityResult, text-only
// leaves, no comments, directives (DOCTYPE) or stray text, and nothing
// after the root.
func parseXMLAnswer(body []byte) (callerIdentity, error) {
	var r callerIdentity
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = true
	root := false
	for first := true; ; first = false {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return callerIdentity{}, fmt.Errorf("read XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.ProcInst:
			if !first || t.Target != "xml" {
				return callerIdentity{}, errors.New("unexpected processing instruction")
			}
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return callerIdentity{}, errors.New("text outside the answer")
			}
		case xml.StartElement:
			if root {
				return callerIdentity{}, errors.New("a second root element")
			}
			root = true
			if err := xmlElement(dec, t, "GetCallerIdentityResponse", func(child xml.StartElement) error {
				return xmlResponseChild(dec, child, &r)
			}); err != nil {
				return callerIdentity{}, err
			}
		default:
			return callerIdentity{}, fmt.Errorf("unexpected %T outside the answer", tok)
		}
	}
	if !root {
		return callerIdentity{}, errors.New("no answer element")
	}
	if r.Arn == "" && r.Account == "" && r.UserID == "" {
		return callerIdentity{}, errors.New("no GetCallerIdentityResult")
	}
	return r, nil
}

func xmlResponseChild(dec *xml.Decoder, child xml.StartElement, r *callerIdentity) error {
	switch child.Name.Local {
	case "GetCallerIdentityResult":
		return xmlElementBody(dec, child, func(leaf xml.StartElement) error {
			switch leaf.Name.Local {
			case "Arn":
				return xmlLeaf(dec, leaf, &r.Arn)
			case "UserId":
				return xmlLeaf(dec, leaf, &r.UserID)
			case "Account":
				return xmlLeaf(dec, leaf, &r.Account)
			}
			return fmt.Errorf("unknown result element %q", leaf.Name.Local)
		})
	case "ResponseMetadata":
		return xmlElementBody(dec, child, func(leaf xml.StartElement) error {
			if leaf.Name.Local != "RequestId" {
				return fmt.Errorf("unknown metadata element %q", leaf.Name.Local)
			}
			return xmlLeaf(dec, leaf, &r.RequestID)
		})
	}
	return fmt.Errorf("unknown response element %q", child.Name.Local)
}

// xmlElement checks start's name and namespace, then reads its children.
func xmlElement(dec *xml.Decoder, start xml.StartElement, name string, child func(xml.StartElement) error) error {
	if start.Name.Local != name {
		return fmt.Errorf("root element %q, want %s", start.Name.Local, name)
	}
	return xmlElementBody(dec, start, child)
}

// xmlElementBody reads the children of start up to its end: elements
// (each name at most once, in STS's namespace, without attributes other
// than the namespace declaration) and whitespace.
func xmlElementBody(dec *xml.Decoder, start xml.StartElement, child func(xml.StartElement) error) error {
	if err := xmlCheckStart(start); err != nil {
		return err
	}
	seen := map[string]bool{}
	for {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("read XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := xmlCheckStart(t); err != nil {
				return err
			}
			if seen[strings.ToLower(t.Name.Local)] {
				return fmt.Errorf("element %q appears twice", t.Name.Local)
			}
			seen[strings.ToLower(t.Name.Local)] = true
			if err := child(t); err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return fmt.Errorf("text inside %q", start.Name.Local)
			}
		default:
			return fmt.Errorf("unexpected %T inside %q", tok, start.Name.Local)
		}
	}
}

func xmlCheckStart(s xml.StartElement) error {
	if s.Name.Space != stsNamespace {
		return fmt.Errorf("element %q is in namespace %q", s.Name.Local, s.Name.Space)
	}
	for _, a := range s.Attr {
		if !(a.Name.Space == "" && a.Name.Local == "xmlns") {
			return fmt.Errorf("element %q has attribute %q", s.Name.Local, a.Name.Local)
		}
	}
	return nil
}

// xmlLeaf reads a text-only element.
func xmlLeaf(dec *xml.Decoder, start xml.StartElement, dst *string) error {
	var b strings.Builder
	for {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("read XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			b.Write(t)
		case xml.EndElement:
			*dst = strings.TrimSpace(b.String())
			return nil
		default:
			return fmt.Errorf("unexpected %T inside %q", tok, start.Name.Local)
		}
	}
}

// stsError is the code and message of an STS error answer, in either
// encoding. It is parsed leniently: it only chooses a message and whether
// to retry, never an identity.
type stsError struct {
	Code    string
	Message string
}

func parseSTSError(body []byte) stsError {
	var x struct {
		Error struct {
			Code    string `xml:"Code"`
			Message string `xml:"Message"`
		} `xml:"Error"`
	}
	var j struct {
		Error struct {
			Code    string `json:"Code"`
			Message string `json:"Message"`
		} `json:"Error"`
	}
	var e stsError
	if json.Unmarshal(body, &j) == nil && j.Error.Code != "" {
		e = stsError{Code: j.Error.Code, Message: j.Error.Message}
	} else if xml.Unmarshal(body, &x) == nil {
		e = stsError{Code: x.Error.Code, Message: x.Error.Message}
	}
	e.Code = truncate(sanitize(e.Code), 64)
	e.Message = truncate(strings.TrimRight(sanitize(e.Message), ". "), 200)
	return e
}

// throttling reports STS's ways of saying "too many requests".
func (e stsError) throttling() bool {
	switch e.Code {
	case "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException", "RequestThrottled":
		return true
	}
	return false
}

// signatureProblem reports errors about the signer's credentials or
// signature, as opposed to the request's shape.
func (e stsError) signatureProblem() bool {
	switch e.Code {
	case "SignatureDoesNotMatch", "InvalidClientTokenId", "ExpiredToken", "IncompleteSignature",
		"MissingAuthenticationToken", "AccessDenied", "InvalidSignatureException", "UnrecognizedClientException":
		return true
	}
	return false
}

func (e stsError) describe(status int) string {
	switch {
	case e.Code != "" && e.Message != "":
		return e.Code + ": " + e.Message
	case e.Code != "":
		return e.Code
	}
	return fmt.Sprintf("HTTP %d", status)
}

// printable reports whether s is non-empty, at most max bytes and printable
// ASCII without spaces.
func printable(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// sanitize replaces anything but printable ASCII with '?', for text from
// STS that ends up in a caller's message or a log line.
func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r >= 0x7f {
			return '?'
		}
		return r
	}, s)
}
