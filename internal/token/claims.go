package token

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"latch.dev/latch/internal/iam"
)

// Kind says how the holder of a token logged in.
type Kind string

// The kinds of login.
const (
	KindAWS        = Kind(iam.KindAWS)        // a signed sts:GetCallerIdentity request
	KindClaimMatch = Kind(iam.KindClaimMatch) // an OIDC token from a reachable issuer
	KindStatic     = Kind(iam.KindStatic)     // an OIDC token checked against stored keys
	KindUser       = Kind(iam.KindUser)       // a human, through the server's upstream provider
	KindBootstrap  = Kind("bootstrap")        // the one-time bootstrap secret
)

// Claims are the contents of a latch token. Times are whole seconds.
type Claims struct {
	Issuer    string    // iss: the server's URL
	Subject   string    // sub: the identity's UIDP
	Audience  []string  // aud
	IssuedAt  time.Time // iat
	NotBefore time.Time // nbf
	Expiry    time.Time // exp
	ID        string    // jti: random, unique per token

	// Actor describes the upstream proof that was exchanged (act).
	Actor *Actor
	// Capabilities, when set, are all the token may be used for (caps).
	Capabilities []iam.Capability
	// Scopes, when set, are the only groups the token applies to (scopes).
	Scopes []string
	// Email is a human user's email address, if known (email).
	Email string
	// Kind says how the identity logged in (kind).
	Kind Kind
}

// wireClaims is the JSON form of Claims.
type wireClaims struct {
	Issuer       string           `json:"iss,omitempty"`
	Subject      string           `json:"sub,omitempty"`
	Audience     audience         `json:"aud,omitempty"`
	IssuedAt     *numericDate     `json:"iat,omitempty"`
	NotBefore    *numericDate     `json:"nbf,omitempty"`
	Expiry       *numericDate     `json:"exp,omitempty"`
	ID           string           `json:"jti,omitempty"`
	Actor        *Actor           `json:"act,omitempty"`
	Capabilities []iam.Capability `json:"caps,omitempty"`
	Scopes       []string         `json:"scopes,omitempty"`
	Email        string           `json:"email,omitempty"`
	Kind         Kind             `json:"kind,omitempty"`
}

// MarshalJSON encodes the claims as a JWT payload.
func (c Claims) MarshalJSON() ([]byte, error) {
	return json.Marshal(wireClaims{
		Issuer:       c.Issuer,
		Subject:      c.Subject,
		Audience:     c.Audience,
		IssuedAt:     newNumericDate(c.IssuedAt),
		NotBefore:    newNumericDate(c.NotBefore),
		Expiry:       newNumericDate(c.Expiry),
		ID:           c.ID,
		Actor:        c.Actor,
		Capabilities: c.Capabilities,
		Scopes:       c.Scopes,
		Email:        c.Email,
		Kind:         c.Kind,
	})
}

// UnmarshalJSON decodes a JWT payload. "aud" may be a string or a list;
// times may be integers or decimals.
func (c *Claims) UnmarshalJSON(b []byte) error {
	var w wireClaims
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*c = Claims{
		Issuer:       w.Issuer,
		Subject:      w.Subject,
		Audience:     w.Audience,
		IssuedAt:     w.IssuedAt.time(),
		NotBefore:    w.NotBefore.time(),
		Expiry:       w.Expiry.time(),
		ID:           w.ID,
		Actor:        w.Actor,
		Capabilities: w.Capabilities,
		Scopes:       w.Scopes,
		Email:        w.Email,
		Kind:         w.Kind,
	}
	return nil
}

// Actor is the "act" claim: who presented the upstream proof that the
// token was exchanged for. AWS logins set Issuer to the URL of the STS
// endpoint that vouched (https://sts.amazonaws.com unless the operator
// allowed others), Subject to the caller's ARN, and AWSAccount
// and AWSUserID; OIDC logins set the upstream Issuer, Subject and
// Audience. Extra holds any other members; its keys must not be one of
// the named members.
type Actor struct {
	Issuer     string         // iss
	Subject    string         // sub
	Audience   []string       // aud
	AWSAccount string         // aws_account
	AWSUserID  string         // aws_user_id
	Extra      map[string]any // anything else; numbers decode as json.Number
}

// isActorMember reports whether k is the JSON name of a named Actor field.
func isActorMember(k string) bool {
	switch k {
	case "iss", "sub", "aud", "aws_account", "aws_user_id":
		return true
	}
	return false
}

// MarshalJSON encodes the actor as one flat JSON object.
func (a Actor) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, len(a.Extra)+5)
	for k, v := range a.Extra {
		if isActorMember(k) {
			return nil, fmt.Errorf("token: act extra member %q collides with a named member", k)
		}
		m[k] = v
	}
	put := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	put("iss", a.Issuer)
	put("sub", a.Subject)
	put("aws_account", a.AWSAccount)
	put("aws_user_id", a.AWSUserID)
	if len(a.Audience) > 0 {
		m["aud"] = audience(a.Audience)
	}
	return json.Marshal(m)
}

// UnmarshalJSON decodes an actor; unknown members go to Extra.
func (a *Actor) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*a = Actor{}
	str := func(k string, dst *string) error {
		if v, ok := raw[k]; ok {
			if err := json.Unmarshal(v, dst); err != nil {
				return fmt.Errorf("act.%s: %w", k, err)
			}
		}
		return nil
	}
	if err := errors.Join(str("iss", &a.Issuer), str("sub", &a.Subject),
		str("aws_account", &a.AWSAccount), str("aws_user_id", &a.AWSUserID)); err != nil {
		return err
	}
	if v, ok := raw["aud"]; ok {
		var aud audience
		if err := json.Unmarshal(v, &aud); err != nil {
			return fmt.Errorf("act.aud: %w", err)
		}
		a.Audience = aud
	}
	for k, v := range raw {
		if isActorMember(k) {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(v))
		dec.UseNumber()
		var x any
		if err := dec.Decode(&x); err != nil {
			return fmt.Errorf("act.%s: %w", k, err)
		}
		if a.Extra == nil {
			a.Extra = make(map[string]any)
		}
		a.Extra[k] = x
	}
	return nil
}

// audience is a list of audiences, always encoded as a JSON list and
// decoded from a string or a list (RFC 7519 §4.1.3 allows both).
type audience []string

func (a audience) MarshalJSON() ([]byte, error) {
	if a == nil {
		return []byte("[]"), nil
	}
	return json.Marshal([]string(a))
}

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = audience{one}
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return errors.New("aud must be a string or a list of strings")
	}
	*a = list
	return nil
}

// numericDate is a JWT time: seconds since the epoch, possibly with a
// fraction, which is dropped.
type numericDate int64

func newNumericDate(t time.Time) *numericDate {
	if t.IsZero() {
		return nil
	}
	d := numericDate(t.Unix())
	return &d
}

func (d *numericDate) time() time.Time {
	if d == nil {
		return time.Time{}
	}
	return time.Unix(int64(*d), 0).UTC()
}

func (d *numericDate) UnmarshalJSON(b []byte) error {
	var n json.Number
	if len(b) > 0 && b[0] == '"' {
		return errors.New("a time must be a number of seconds, not a string")
	}
	if err := json.Unmarshal(b, &n); err != nil {
		return errors.New("a time must be a number of seconds")
	}
	if i, err := n.Int64(); err == nil {
		*d = numericDate(i)
		return nil
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || f < -(1<<63) || f >= 1<<63 {
		return errors.New("a time must be a number of seconds")
	}
	*d = numericDate(f)
	return nil
}
