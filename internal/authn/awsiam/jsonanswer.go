package awsiam

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// parseJSONAnswer reads
// {"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account","Arn","UserId"},"ResponseMetadata":{"RequestId"}}}
// with a reader of its own, because encoding/json matches keys
// case-insensitively and lets the last duplicate win ("arn" after "Arn"
// would silently replace it), and its token-by-token decoder, which can be
// made strict, cost a fortieth of the server's CPU per exchange.
//
// The reader accepts exactly this grammar: JSON objects and strings, JSON
// whitespace between tokens, each key once (keys that differ only in case
// count as duplicates), only the members above, and nothing after the
// document. Numbers, literals and arrays are refused wherever they appear.
func parseJSONAnswer(body []byte) (callerIdentity, error) {
	var r callerIdentity
	d := jsonReader{b: body}
	err := d.object(func(key string) error {
		if key != "GetCallerIdentityResponse" {
			return fmt.Errorf("unknown member %q", key)
		}
		sawResult := false
		err := d.object(func(key string) error {
			switch key {
			case "GetCallerIdentityResult":
				sawResult = true
				return d.object(func(key string) error {
					switch key {
					case "Account":
						return d.stringInto(&r.Account)
					case "Arn":
						return d.stringInto(&r.Arn)
					case "UserId":
						return d.stringInto(&r.UserID)
					}
					return fmt.Errorf("unknown result member %q", key)
				})
			case "ResponseMetadata":
				return d.object(func(key string) error {
					if key != "RequestId" {
						return fmt.Errorf("unknown metadata member %q", key)
					}
					return d.stringInto(&r.RequestID)
				})
			}
			return fmt.Errorf("unknown response member %q", key)
		})
		if err == nil && !sawResult {
			err = errors.New("no GetCallerIdentityResult")
		}
		return err
	})
	if err != nil {
		return callerIdentity{}, err
	}
	if d.space(); d.i != len(d.b) {
		return callerIdentity{}, errors.New("data after the JSON answer")
	}
	return r, nil
}

// jsonReader reads the JSON answer from b, at offset i.
type jsonReader struct {
	b []byte
	i int
}

// space skips JSON whitespace.
func (d *jsonReader) space() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// next skips whitespace and reports the next byte, or 0 at the end.
func (d *jsonReader) next() byte {
	if d.space(); d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

// object reads one object, calling member for each key, positioned at
// its value; member must read the value.
func (d *jsonReader) object(member func(key string) error) error {
	if c := d.next(); c != '{' {
		return fmt.Errorf("expected a JSON object at byte %d", d.i)
	}
	d.i++
	if d.next() == '}' {
		d.i++
		return nil
	}
	var seen []string
	for {
		key, err := d.string()
		if err != nil {
			return err
		}
		for _, k := range seen {
			if strings.EqualFold(k, key) {
				return fmt.Errorf("duplicate member %q", key)
			}
		}
		seen = append(seen, key)
		if d.next() != ':' {
			return fmt.Errorf("expected ':' after member %q", key)
		}
		d.i++
		if err := member(key); err != nil {
			return err
		}
		switch d.next() {
		case ',':
			d.i++
		case '}':
			d.i++
			return nil
		default:
			return fmt.Errorf("expected ',' or '}' at byte %d", d.i)
		}
	}
}

func (d *jsonReader) stringInto(dst *string) error {
	s, err := d.string()
	*dst = s
	return err
}

// string reads one JSON string. One without escapes is its bytes; one
// with escapes, which STS does not send for these values, is decoded by
// encoding/json, so that every escape means what JSON says.
func (d *jsonReader) string() (string, error) {
	if d.next() != '"' {
		return "", fmt.Errorf("expected a JSON string at byte %d", d.i)
	}
	start := d.i
	escaped := false
	for j := start + 1; j < len(d.b); j++ {
		switch c := d.b[j]; {
		case c == '"':
			d.i = j + 1
			raw := d.b[start+1 : j]
			if !escaped && utf8.Valid(raw) {
				return string(raw), nil
			}
			var s string
			if err := json.Unmarshal(d.b[start:j+1], &s); err != nil {
				return "", fmt.Errorf("read JSON string: %w", err)
			}
			return s, nil
		case c == '\\':
			escaped = true
			j++ // the escaped byte cannot end the string
		case c < 0x20:
			return "", fmt.Errorf("control character in a JSON string at byte %d", j)
		}
	}
	return "", errors.New("unterminated JSON string")
}
