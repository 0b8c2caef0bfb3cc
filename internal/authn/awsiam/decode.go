package awsiam

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"latch.dev/latch/internal/errs"
)

// Limits bound what the decoder reads before any other work is done.
type Limits struct {
	// MaxProofBytes caps the encoded proof. Default 16 KiB, the exchange
	// endpoint's cap on bearer tokens; a proof with a long session token
	// is about 4 KiB.
	MaxProofBytes int
	// MaxHeaders caps the number of header lines. Default 32; curl sends
	// 9 and latch's own client 8.
	MaxHeaders int
	// MaxHeaderBytes caps one header line. Default 8 KiB.
	MaxHeaderBytes int
	// MaxResponseBytes caps STS's answer. Default 64 KiB; a real answer is
	// under 1 KiB.
	MaxResponseBytes int
}

func (l Limits) withDefaults() Limits {
	if l.MaxProofBytes <= 0 {
		l.MaxProofBytes = 16 << 10
	}
	if l.MaxHeaders <= 0 {
		l.MaxHeaders = 32
	}
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = 8 << 10
	}
	if l.MaxResponseBytes <= 0 {
		l.MaxResponseBytes = 64 << 10
	}
	return l
}

// header is one header line of a proof. name is lower-cased: HTTP names
// are case-insensitive, and curl's HTTP/2 dump lower-cases all but Host.
type header struct {
	name  string
	value string
}

// proofRequest is a decoded proof: the request line and the header lines,
// in order. It is deliberately not an *http.Request, so nothing of it can
// be sent anywhere; the forwarder builds a new request from the checked
// signed parts.
type proofRequest struct {
	method string
	target string
	proto  string // "HTTP/1.1" or "HTTP/2"
	header []header
	body   []byte
}

// values returns every value of the header name (lower-case).
func (r *proofRequest) values(name string) []string {
	var out []string
	for _, h := range r.header {
		if h.name == name {
			out = append(out, h.value)
		}
	}
	return out
}

// encode writes the request back in HTTP/1.1 wire form with CRLF lines. It
// is the inverse of parseRequest up to header-name case and line endings,
// which is what the fuzz test checks.
func (r *proofRequest) encode() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s %s\r\n", r.method, r.target, r.proto)
	for _, h := range r.header {
		fmt.Fprintf(&b, "%s: %s\r\n", h.name, h.value)
	}
	b.WriteString("\r\n")
	b.Write(r.body)
	return b.Bytes()
}

// decodeProof turns the bearer string into a request, refusing anything
// that is not exactly one well-formed HTTP request head. The size cap comes
// first so that no work is done on an oversized input.
func decodeProof(proof string, lim Limits) (*proofRequest, error) {
	if len(proof) > lim.MaxProofBytes {
		return nil, reject(CheckDecode, "the AWS proof is %d bytes; the limit is %d: sign only the headers the proof needs", len(proof), lim.MaxProofBytes)
	}
	raw, err := decodeBase64(proof)
	if err != nil {
		return nil, err
	}
	return parseRequest(raw, lim)
}

// decodeBase64 accepts the standard or the URL-safe alphabet (curl's
// pipeline prints the first, the Go and Chainguard clients the second),
// padded or not, but never both alphabets at once, padding in the middle,
// or embedded line breaks, which Go's decoder would silently skip.
//
// A well-formed proof is decoded at once: looking for the few characters
// that matter takes half the time of classifying every character, and
// this runs twice per exchange (BenchmarkDecodeBase64). Anything the quick
// path does not accept goes through the full check, which accepts nothing
// more and says precisely what is wrong.
func decodeBase64(proof string) ([]byte, error) {
	if raw, ok := quickDecodeBase64(proof); ok {
		return raw, nil
	}
	return checkedDecodeBase64(proof)
}

// quickDecodeBase64 decodes proof when it is well formed and reports
// false otherwise. Go's strict decoder refuses every character outside
// the chosen alphabet, '=' included, except line breaks, which are
// looked for first; the alphabet is the one whose own characters appear.
func quickDecodeBase64(proof string) ([]byte, bool) {
	s := strings.TrimSpace(proof)
	body := strings.TrimRight(s, "=")
	pad := len(s) - len(body)
	if body == "" || strings.IndexByte(body, '\n') >= 0 || strings.IndexByte(body, '\r') >= 0 ||
		pad > 2 || (pad > 0 && len(s)%4 != 0) || len(body)%4 == 1 {
		return nil, false
	}
	url := strings.IndexByte(body, '-') >= 0 || strings.IndexByte(body, '_') >= 0
	std := strings.IndexByte(body, '+') >= 0 || strings.IndexByte(body, '/') >= 0
	if url && std {
		return nil, false
	}
	enc := base64.RawStdEncoding
	if url {
		enc = base64.RawURLEncoding
	}
	raw, err := enc.Strict().DecodeString(body)
	return raw, err == nil
}

// checkedDecodeBase64 checks every character and says which one is wrong.
func checkedDecodeBase64(proof string) ([]byte, error) {
	s := strings.TrimSpace(proof)
	if s == "" {
		return nil, reject(CheckDecode, "the AWS proof is empty: pass the base64 of the signed GetCallerIdentity request")
	}
	body := strings.TrimRight(s, "=")
	pad := len(s) - len(body)
	std, url := false, false
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '+' || c == '/':
			std = true
		case c == '-' || c == '_':
			url = true
		case c == '\n' || c == '\r':
			return nil, reject(CheckDecode, "the AWS proof has a line break at character %d: encode it on one line (base64 -w0)", i+1)
		case c == '=':
			return nil, reject(CheckDecode, "the AWS proof has '=' padding at character %d, before its end: it is not one base64 string", i+1)
		default:
			return nil, reject(CheckDecode, "the AWS proof is not base64: character %d is %q", i+1, safeRune(body[i:]))
		}
	}
	if std && url {
		return nil, reject(CheckDecode, "the AWS proof mixes the standard (+/) and URL-safe (-_) base64 alphabets: use one")
	}
	if pad > 2 || (pad > 0 && len(s)%4 != 0) || len(body)%4 == 1 {
		return nil, reject(CheckDecode, "the AWS proof is not base64: its length or padding is wrong (was it cut short?)")
	}
	enc := base64.RawStdEncoding
	if url {
		enc = base64.RawURLEncoding
	}
	raw, err := enc.Strict().DecodeString(body)
	if err != nil {
		return nil, refuse(CheckDecode, errs.Unauthenticated, fmt.Errorf("decode base64: %w", err),
			"the AWS proof is not base64: its last characters do not decode (was it cut short?)")
	}
	return raw, nil
}

// safeRune returns the first character of s for a message, or a marker
// for a byte that is not UTF-8.
func safeRune(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && size <= 1 {
		return fmt.Sprintf("\\x%02x", s[0])
	}
	return string(r)
}

// parseRequest parses a serialized request head. It accepts what curl's
// verbose dump and Go's req.Write print: CRLF or LF line ends (one style
// throughout), a request line ending in HTTP/1.1 or HTTP/2, header names in
// any case, and a final empty line (optional, since shell pipelines lose
// it). It refuses everything else that could let two parsers read the
// request differently: NUL, bare CR or other control characters, invalid
// UTF-8, folded lines, whitespace around names, more headers or longer
// lines than the limits allow.
func parseRequest(raw []byte, lim Limits) (*proofRequest, error) {
	if !utf8.Valid(raw) {
		return nil, reject(CheckDecode, "the decoded AWS proof is not valid UTF-8: it is not a signed HTTP request")
	}
	nl := bytes.IndexByte(raw, '\n')
	if nl < 0 {
		return nil, reject(CheckDecode, "the decoded AWS proof is one line; it must be an HTTP request: a request line and header lines")
	}
	crlf := nl > 0 && raw[nl-1] == '\r'

	lines := make([][]byte, 0, 16) // request line and header lines, without line ends
	rest := raw
	for len(rest) > 0 {
		i := bytes.IndexByte(rest, '\n')
		var line []byte
		if i < 0 {
			// A last line without its line end: only possible for the
			// final empty line, which an empty rest already covers.
			return nil, reject(CheckDecode, "the decoded AWS proof ends in the middle of line %d", len(lines)+1)
		}
		line, rest = rest[:i], rest[i+1:]
		if crlf {
			if len(line) == 0 || line[len(line)-1] != '\r' {
				return nil, reject(CheckDecode, "line %d of the decoded AWS proof ends in LF where the others end in CRLF: one request uses one line ending", len(lines)+1)
			}
			line = line[:len(line)-1]
		}
		if len(line) == 0 {
			break // the empty line: what follows is the body
		}
		if len(line) > lim.MaxHeaderBytes {
			return nil, reject(CheckDecode, "line %d of the decoded AWS proof is %d bytes; the limit is %d", len(lines)+1, len(line), lim.MaxHeaderBytes)
		}
		if len(lines) > lim.MaxHeaders { // lines holds the request line too
			return nil, reject(CheckDecode, "the decoded AWS proof has more than %d headers: sign only the headers the proof needs", lim.MaxHeaders)
		}
		lines = append(lines, line)
	}
	body := rest
	if len(lines) == 0 {
		return nil, reject(CheckDecode, "the decoded AWS proof has no request line")
	}
	for n, line := range lines {
		if i := indexControl(line); i >= 0 {
			return nil, reject(CheckDecode, "line %d of the decoded AWS proof contains the control character %q at byte %d: header names and values may not contain NUL, CR, LF or other controls",
				n+1, line[i], i+1)
		}
	}
	req := &proofRequest{}
	if len(body) > 0 {
		req.body = bytes.Clone(body)
	}
	if err := parseRequestLine(req, string(lines[0])); err != nil {
		return nil, err
	}
	for n, line := range lines[1:] {
		h, err := parseHeaderLine(string(line), n+2)
		if err != nil {
			return nil, err
		}
		req.header = append(req.header, h)
	}
	return req, nil
}

// isControl reports C0 controls (NUL, CR, LF, TAB and the rest) and DEL.
// Tabs are legal in HTTP but no signer puts one in a proof, and allowing
// them would make SigV4's whitespace canonicalisation matter.
func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// indexControl returns the index of the first control byte in b, or -1.
// Bytes suffice: in valid UTF-8 every byte of a multi-byte character is
// 0x80 or above.
func indexControl(b []byte) int {
	for i, c := range b {
		if c < 0x20 || c == 0x7f {
			return i
		}
	}
	return -1
}

// parseRequestLine reads "METHOD SP TARGET SP VERSION", single spaces.
// HTTP/2 is what curl prints for an h2 request; the line is only read,
// never handed to an HTTP/1 parser, so no rewrite is needed.
func parseRequestLine(req *proofRequest, line string) error {
	parts := strings.Split(line, " ")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return reject(CheckDecode, "the first line of the decoded AWS proof, %q, is not a request line (METHOD TARGET HTTP/1.1)", truncate(line, 120))
	}
	req.method, req.target, req.proto = parts[0], parts[1], parts[2]
	switch req.proto {
	case "HTTP/1.1", "HTTP/2":
	default:
		return reject(CheckDecode, "the request line of the AWS proof ends in %q; latch reads HTTP/1.1 and HTTP/2 requests", truncate(req.proto, 40))
	}
	if !isToken(req.method) {
		return reject(CheckDecode, "the request method %q of the AWS proof is not an HTTP method", truncate(req.method, 40))
	}
	return nil
}

// parseHeaderLine reads "name: value". The name must be an HTTP token with
// no whitespace before the colon (RFC 9112 §5.1: servers must reject it,
// since proxies disagree about such names); leading whitespace would be a
// folded continuation line, which is obsolete and refused.
func parseHeaderLine(line string, n int) (header, error) {
	if line[0] == ' ' {
		return header{}, reject(CheckDecode, "line %d of the decoded AWS proof starts with a space (a folded header line): put each header on one line", n)
	}
	name, value, ok := strings.Cut(line, ":")
	if !ok {
		return header{}, reject(CheckDecode, "line %d of the decoded AWS proof, %q, is not a header line (Name: value)", n, truncate(line, 80))
	}
	if !isToken(name) {
		return header{}, reject(CheckDecode, "line %d of the decoded AWS proof has the header name %q, which is not an HTTP token", n, truncate(name, 80))
	}
	return header{name: strings.ToLower(name), value: strings.Trim(value, " ")}, nil
}

// isToken reports whether s is a non-empty RFC 9110 token.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// truncate shortens s for a message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
