// Package tokentest forges the tokens that verifiers must refuse, for
// tests of latch's verifier and of third-party verifiers against latch's
// discovery document.
package tokentest

import (
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"strings"

	"github.com/go-jose/go-jose/v4"
)

// AlgNone returns an unsigned token with header {"alg":"none"} naming kid.
func AlgNone(payload []byte, kid string) string {
	header := fmt.Sprintf(`{"alg":"none","kid":%q,"typ":"JWT"}`, kid)
	return b64(header) + "." + b64(string(payload)) + "."
}

// HS256WithPublicKey returns a token HMAC-signed with the PEM encoding of
// a public key, naming that key's kid: the algorithm-confusion attack on
// verifiers that let the token choose the algorithm.
func HS256WithPublicKey(payload []byte, kid string, pub crypto.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", err
	}
	secret := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: secret},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader(jose.HeaderKey("kid"), kid))
	if err != nil {
		return "", err
	}
	jws, err := s.Sign(payload)
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}

// Tamper returns tok with its payload changed by edit and the original
// header and signature kept.
func Tamper(tok string, edit func(claims map[string]any)) (string, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return "", fmt.Errorf("tokentest: not a compact JWS")
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", err
	}
	var claims map[string]any
	if err := json.Unmarshal(raw, &claims); err != nil {
		return "", err
	}
	edit(claims)
	out, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	parts[1] = base64.RawURLEncoding.EncodeToString(out)
	return strings.Join(parts, "."), nil
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
