package signer

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	_ "crypto/sha256" // crypto.SHA256, for key IDs
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"io"
	"time"

	"github.com/go-jose/go-jose/v4"

	"latch.dev/latch/internal/storage"
)

// key is a stored key, parsed and ready to sign.
type key struct {
	id           string
	alg          string
	signUntil    time.Time
	publishUntil time.Time
	der          []byte // the stored PKCS #8, to tell whether a reload changed the key
	signer       jose.Signer
	public       jose.JSONWebKey
}

// generateKey makes a new private key for alg and returns it in the stored
// form, without a schedule. Its ID is the key's RFC 7638 thumbprint, so
// the same key always has the same kid.
func generateKey(alg string, rsaBits int, rand io.Reader) (storage.SigningKey, error) {
	var priv crypto.Signer
	var err error
	switch alg {
	case ES256:
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand)
	case RS256:
		priv, err = rsa.GenerateKey(rand, rsaBits)
	default:
		err = fmt.Errorf("unsupported algorithm %q", alg)
	}
	if err != nil {
		return storage.SigningKey{}, fmt.Errorf("generate %s key: %w", alg, err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return storage.SigningKey{}, fmt.Errorf("encode %s key: %w", alg, err)
	}
	id, err := keyID(priv.Public())
	if err != nil {
		return storage.SigningKey{}, err
	}
	return storage.SigningKey{ID: id, Algorithm: alg, PrivateDER: der}, nil
}

// keyID returns the base64url SHA-256 JWK thumbprint of pub.
func keyID(pub crypto.PublicKey) (string, error) {
	jwk := jose.JSONWebKey{Key: pub}
	sum, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("key thumbprint: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(sum), nil
}

// parseKey checks a stored key (the algorithm matches the key type, the
// key is strong enough, the ID is its thumbprint) and prepares it. prev,
// when it holds the same key, is reused so that reloads do not parse and
// precompute every key again.
func parseKey(sk storage.SigningKey, prev *key) (*key, error) {
	if prev != nil && prev.id == sk.ID && prev.alg == sk.Algorithm && bytes.Equal(prev.der, sk.PrivateDER) {
		k := *prev
		k.signUntil, k.publishUntil = sk.SignUntil, sk.PublishUntil
		return &k, nil
	}
	parsed, err := x509.ParsePKCS8PrivateKey(sk.PrivateDER)
	if err != nil {
		return nil, fmt.Errorf("key %s: parse PKCS #8: %w", sk.ID, err)
	}
	var priv crypto.Signer
	switch p := parsed.(type) {
	case *ecdsa.PrivateKey:
		if sk.Algorithm != ES256 || p.Curve != elliptic.P256() {
			return nil, fmt.Errorf("key %s: an ECDSA %s key cannot sign %s", sk.ID, p.Curve.Params().Name, sk.Algorithm)
		}
		priv = p
	case *rsa.PrivateKey:
		if sk.Algorithm != RS256 || p.N.BitLen() < DefaultRSABits {
			return nil, fmt.Errorf("key %s: a %d-bit RSA key cannot sign %s", sk.ID, p.N.BitLen(), sk.Algorithm)
		}
		priv = p
	default:
		return nil, fmt.Errorf("key %s: unsupported key type %T", sk.ID, parsed)
	}
	id, err := keyID(priv.Public())
	if err != nil {
		return nil, err
	}
	if id != sk.ID {
		return nil, fmt.Errorf("key %s: stored ID does not match the key's thumbprint %s", sk.ID, id)
	}
	alg := jose.SignatureAlgorithm(sk.Algorithm)
	signer, err := jose.NewSigner(
		jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: priv, KeyID: sk.ID, Algorithm: sk.Algorithm}},
		(&jose.SignerOptions{}).WithType("JWT"),
	)
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", sk.ID, err)
	}
	return &key{
		id:           sk.ID,
		alg:          sk.Algorithm,
		signUntil:    sk.SignUntil,
		publishUntil: sk.PublishUntil,
		der:          bytes.Clone(sk.PrivateDER),
		signer:       signer,
		public:       jose.JSONWebKey{Key: priv.Public(), KeyID: sk.ID, Algorithm: sk.Algorithm, Use: "sig"},
	}, nil
}
