package awsiam

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// tokenJSONAnswer is the reader parseJSONAnswer replaced, built on
// encoding/json's token decoder: slower, but its strictness comes from
// the standard library. FuzzParseJSONAnswer holds the two to the same
// answers.
func tokenJSONAnswer(body []byte) (callerIdentity, error) {
	var r callerIdentity
	dec := json.NewDecoder(bytes.NewReader(body))
	str := func(dst *string) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		s, ok := tok.(string)
		if !ok {
			return fmt.Errorf("expected a string, got %v", tok)
		}
		*dst = s
		return nil
	}
	var object func(member func(key string) error) error
	object = func(member func(key string) error) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); !ok || d != '{' {
			return fmt.Errorf("expected a JSON object, got %v", tok)
		}
		seen := map[string]bool{}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return err
			}
			key, ok := tok.(string)
			if !ok {
				return fmt.Errorf("expected a key, got %v", tok)
			}
			if seen[strings.ToLower(key)] {
				return fmt.Errorf("duplicate member %q", key)
			}
			seen[strings.ToLower(key)] = true
			if err := member(key); err != nil {
				return err
			}
		}
		_, err = dec.Token()
		return err
	}
	err := object(func(key string) error {
		if key != "GetCallerIdentityResponse" {
			return errors.New("unknown member")
		}
		sawResult := false
		err := object(func(key string) error {
			switch key {
			case "GetCallerIdentityResult":
				sawResult = true
				return object(func(key string) error {
					switch key {
					case "Account":
						return str(&r.Account)
					case "Arn":
						return str(&r.Arn)
					case "UserId":
						return str(&r.UserID)
					}
					return errors.New("unknown result member")
				})
			case "ResponseMetadata":
				return object(func(key string) error {
					if key != "RequestId" {
						return errors.New("unknown metadata member")
					}
					return str(&r.RequestID)
				})
			}
			return errors.New("unknown response member")
		})
		if err == nil && !sawResult {
			err = errors.New("no GetCallerIdentityResult")
		}
		return err
	})
	if err != nil {
		return callerIdentity{}, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return callerIdentity{}, errors.New("data after the JSON answer")
	}
	return r, nil
}

// jsonAnswerCases are answers either reader must accept or refuse alike.
var jsonAnswerCases = []string{
	validJSONAnswer,
	" \t\r\n" + strings.ReplaceAll(validJSONAnswer, ":", " : ") + "\n",
	strings.ReplaceAll(validJSONAnswer, ",", " ,\n"),
	`{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{}}}`,
	`{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Arn":"a\"b\\c\/d\u00e9\ud83d\ude00"}}}`,
	`{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"\u0041rn":"x"}}}`,
	`{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Arn":"x","\u0041rn":"y"}}}`,
	`{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Arn":"x","Arn":"y"}}}`,
	`{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Arn":"x","ARN":"y"}}}`,
	`{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Arn":"x"},"GetCallerIdentityResult":{"Arn":"y"}}}`,
	`{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Arn":"x",}}}`,
	`{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Arn":"x" "UserId":"y"}}}`,
	`{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Arn":"x\ty"}}}`,
	`{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Arn":"x\q"}}}`,
	`{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Arn":"x\u12"}}}`,
	`{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Arn":"x\`,
	`{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Arn":"x"}}}}`,
	`{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Arn":"x"}}} {}`,
	`{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Arn":"x"}}}` + "\x00",
	`{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Arn":true}}}`,
	`{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Arn":["x"]}}}`,
	`{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Arn":"x"},"ResponseMetadata":{}}}`,
	`{"GetCallerIdentityResponse":{"ResponseMetadata":{"RequestId":"r"},"GetCallerIdentityResult":{"Arn":"x"}}}`,
	`{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Arn":"x"},"responseMetadata":{}}}`,
	"\ufeff" + validJSONAnswer,
	`{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Arn":"` + "\xff" + `"}}}`,
	`{}`, `[]`, `""`, ``, `{`, `{"GetCallerIdentityResponse"}`, `{"GetCallerIdentityResponse":}`,
	`{"GetCallerIdentityResponse":{}}`, `{"GetCallerIdentityResponse":null}`, `{"GetCallerIdentityResponse":{,}}`,
}

func TestParseJSONAnswerAgreesWithTheTokenDecoder(t *testing.T) {
	t.Parallel()
	for _, body := range jsonAnswerCases {
		checkJSONAnswerAgreement(t, []byte(body))
	}
}

// FuzzParseJSONAnswer holds parseJSONAnswer to what encoding/json's token
// decoder accepts, and to the same values.
func FuzzParseJSONAnswer(f *testing.F) {
	for _, body := range jsonAnswerCases {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkJSONAnswerAgreement(t, body)
	})
}

func checkJSONAnswerAgreement(t *testing.T, body []byte) {
	t.Helper()
	got, err := parseJSONAnswer(body)
	want, werr := tokenJSONAnswer(body)
	if (err == nil) != (werr == nil) {
		t.Fatalf("%q: parseJSONAnswer error %v, token decoder error %v", body, err, werr)
	}
	if err == nil && got != want {
		t.Fatalf("%q: parseJSONAnswer read %+v, token decoder %+v", body, got, want)
	}
	if err == nil && utf8.Valid(body) && !utf8.ValidString(got.Arn+got.Account+got.UserID+got.RequestID) {
		t.Fatalf("%q: invalid UTF-8 read from a valid body: %+v", body, got)
	}
}

func BenchmarkParseJSONAnswer(b *testing.B) {
	body := []byte(validJSONAnswer)
	b.Run("reader", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := parseJSONAnswer(body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("token-decoder", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := tokenJSONAnswer(body); err != nil {
				b.Fatal(err)
			}
		}
	})
}
