package iam

import (
	"encoding/json"
	"time"

	"latch.dev/latch/internal/errs"
)

// Static identities trust keys given at creation, for issuers latch cannot
// reach (an air-gapped cluster). Because nobody rotates those keys for us,
// they expire: by default and at most MaxStaticLifetime after creation.
type StaticKeys struct {
	Issuer     string    `json:"issuer"`
	Subject    string    `json:"subject"`
	IssuerKeys string    `json:"issuer_keys"` // a JWKS document
	Expiration time.Time `json:"expiration"`
	Audience   string    `json:"audience,omitempty"`
}

// MaxStaticLifetime is the longest a static identity may live.
const MaxStaticLifetime = 30 * 24 * time.Hour

// MaxIssuerKeysSize bounds the stored JWKS.
const MaxIssuerKeysSize = 64 << 10

// Validate checks the rule; created is the identity's creation time (the
// expiry is measured from it) and now the time of the write. A missing
// expiration is set to the maximum.
func (s *StaticKeys) Validate(created, now time.Time) error {
	var list []error
	if s.Issuer == "" {
		list = append(list, errs.Invalidf("static.issuer", "is required"))
	} else {
		list = append(list, validateIssuerURL("static.issuer", s.Issuer))
	}
	if s.Subject == "" {
		list = append(list, errs.Invalidf("static.subject", "is required"))
	}
	switch {
	case s.IssuerKeys == "":
		list = append(list, errs.Invalidf("static.issuer_keys", "is required: the issuer's JWKS document"))
	case len(s.IssuerKeys) > MaxIssuerKeysSize:
		list = append(list, errs.Invalidf("static.issuer_keys", "is %d bytes; the limit is %d", len(s.IssuerKeys), MaxIssuerKeysSize))
	default:
		var doc struct {
			Keys []json.RawMessage `json:"keys"`
		}
		if err := json.Unmarshal([]byte(s.IssuerKeys), &doc); err != nil || len(doc.Keys) == 0 {
			list = append(list, errs.Invalidf("static.issuer_keys", "is not a JWKS document with at least one key"))
		}
	}
	if created.IsZero() {
		created = now
	}
	limit := created.Add(MaxStaticLifetime)
	switch {
	case s.Expiration.IsZero():
		s.Expiration = limit
	case s.Expiration.After(limit):
		list = append(list, errs.Invalidf("static.expiration", "is %s; static identities live at most 30 days, until %s", s.Expiration.UTC().Format(time.RFC3339), limit.UTC().Format(time.RFC3339)))
	case !s.Expiration.After(now):
		list = append(list, errs.Invalidf("static.expiration", "is in the past"))
	}
	return errs.Join(list)
}
