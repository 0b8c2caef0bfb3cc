package signer

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/storage"
)

// KeyEncryptionKeySize is the size of a key-encryption key: AES-256.
const KeyEncryptionKeySize = 32

// sealedPrefix starts every sealed private key. A PKCS #8 key starts with
// the DER tag of a SEQUENCE (0x30), so a stored key is sealed exactly when
// it starts with this prefix, and the version in it lets the format change
// later without guessing.
const sealedPrefix = "latch-sealed-v1:"

// ErrSealed says that the stored signing keys are sealed and no
// key-encryption key was given to open them.
var ErrSealed = errors.New("signer: the stored signing keys are sealed with a key-encryption key")

// SealedKeys keeps private signing keys encrypted in the database: they
// are sealed with AES-256-GCM under a key-encryption key that lives
// outside it (a file, a secret mount), before they are written, and opened
// when read. A copy of the database alone, or a backup of it, then cannot
// mint tokens.
//
// The key's ID and algorithm are the additional data of the seal, so a
// sealed key cannot be moved to another key's record. Keys stored before
// sealing was turned on are read as they are; Seal seals them.
//
// Several key-encryption keys may be given, so that the key-encryption key
// can be changed while replicas run: the first seals, every one opens, and
// Seal moves keys sealed under another one to the first (see the rolling
// procedure in docs/operations.md).
type SealedKeys struct {
	store storage.Keys
	// aeads holds one cipher per key-encryption key, the sealing one first.
	aeads []cipher.AEAD
	rand  io.Reader
}

var _ storage.Keys = (*SealedKeys)(nil)

// NewSealedKeys wraps store. keks are the key-encryption keys, each
// KeyEncryptionKeySize bytes: the first seals, every one opens. rand is
// the source of nonces (crypto/rand when nil).
func NewSealedKeys(store storage.Keys, keks [][]byte, rand io.Reader) (*SealedKeys, error) {
	if len(keks) == 0 {
		return nil, errors.New("signer: sealing needs a key-encryption key")
	}
	s := &SealedKeys{store: store, rand: rand}
	for i, kek := range keks {
		if len(kek) != KeyEncryptionKeySize {
			return nil, fmt.Errorf("signer: key-encryption key %d is %d bytes, not %d", i+1, len(kek), KeyEncryptionKeySize)
		}
		block, err := aes.NewCipher(kek)
		if err != nil {
			return nil, fmt.Errorf("signer: key-encryption key %d: %w", i+1, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("signer: key-encryption key %d: %w", i+1, err)
		}
		s.aeads = append(s.aeads, aead)
	}
	return s, nil
}

// ParseKeyEncryptionKey reads a key-encryption key as written to a file:
// 32 bytes in standard base64 (`openssl rand -base64 32`), surrounding
// white space ignored.
func ParseKeyEncryptionKey(text []byte) ([]byte, error) {
	kek, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(text)))
	if err != nil || len(kek) != KeyEncryptionKeySize {
		return nil, errs.New(errs.Invalid, "a key-encryption key is %d random bytes in base64 (make one with `openssl rand -base64 32`)", KeyEncryptionKeySize)
	}
	return kek, nil
}

// SigningKeys implements storage.Keys: the stored keys, opened.
func (s *SealedKeys) SigningKeys(ctx context.Context) ([]storage.SigningKey, error) {
	keys, err := s.store.SigningKeys(ctx)
	if err != nil {
		return nil, err
	}
	out, _, err := s.openAll(keys)
	return out, err
}

// UpdateSigningKeys implements storage.Keys: fn sees the keys opened, and
// what it returns is sealed before it is written.
func (s *SealedKeys) UpdateSigningKeys(ctx context.Context, fn func(old []storage.SigningKey) ([]storage.SigningKey, error)) error {
	return s.store.UpdateSigningKeys(ctx, func(stored []storage.SigningKey) ([]storage.SigningKey, error) {
		old, _, err := s.openAll(stored)
		if err != nil {
			return nil, err
		}
		next, err := fn(old)
		if err != nil {
			return nil, err
		}
		return s.sealAll(next)
	})
}

// Seal seals the stored keys that are not sealed under the first
// key-encryption key (those written before sealing was turned on, or
// sealed under another of the keys given) and reports how many it sealed.
// When every key already is, it costs one read.
func (s *SealedKeys) Seal(ctx context.Context) (int, error) {
	stored, err := s.store.SigningKeys(ctx)
	if err != nil {
		return 0, err
	}
	if _, n, err := s.openAll(stored); err != nil || n == 0 {
		return 0, err
	}
	n := 0
	err = s.store.UpdateSigningKeys(ctx, func(stored []storage.SigningKey) ([]storage.SigningKey, error) {
		var old []storage.SigningKey
		var err error
		old, n, err = s.openAll(stored)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, storage.ErrUnchanged
		}
		return s.sealAll(old)
	})
	if errors.Is(err, storage.ErrUnchanged) {
		return 0, nil
	}
	return n, err
}

// Sealed reports whether a stored key is sealed.
func Sealed(k storage.SigningKey) bool {
	return bytes.HasPrefix(k.PrivateDER, []byte(sealedPrefix))
}

// openAll opens the sealed keys among keys, and counts the keys that are
// not sealed under the first key-encryption key: in the clear, or sealed
// under another.
func (s *SealedKeys) openAll(keys []storage.SigningKey) (out []storage.SigningKey, stale int, err error) {
	out = make([]storage.SigningKey, len(keys))
	for i, k := range keys {
		if !Sealed(k) {
			stale++
		} else {
			der, by, err := s.open(k)
			if err != nil {
				return nil, 0, err
			}
			if by > 0 {
				stale++
			}
			k.PrivateDER = der
		}
		out[i] = k
	}
	return out, stale, nil
}

func (s *SealedKeys) sealAll(keys []storage.SigningKey) ([]storage.SigningKey, error) {
	out := make([]storage.SigningKey, len(keys))
	for i, k := range keys {
		if !Sealed(k) {
			sealed, err := s.seal(k)
			if err != nil {
				return nil, err
			}
			k.PrivateDER = sealed
		}
		out[i] = k
	}
	return out, nil
}

// seal returns the prefix, a random nonce and the ciphertext of k's
// private key.
func (s *SealedKeys) seal(k storage.SigningKey) ([]byte, error) {
	aead := s.aeads[0]
	nonce := make([]byte, aead.NonceSize())
	r := s.rand
	if r == nil {
		r = rand.Reader
	}
	if _, err := io.ReadFull(r, nonce); err != nil {
		return nil, fmt.Errorf("signer: seal key %s: %w", k.ID, err)
	}
	out := append([]byte(sealedPrefix), nonce...)
	return aead.Seal(out, nonce, k.PrivateDER, additionalData(k)), nil
}

// open returns k's private key and the index of the key-encryption key
// that opened it. GCM's tag tells the right key from a wrong one, so the
// keys are simply tried in order.
func (s *SealedKeys) open(k storage.SigningKey) ([]byte, int, error) {
	body := k.PrivateDER[len(sealedPrefix):]
	var err error
	for i, aead := range s.aeads {
		n := aead.NonceSize()
		if len(body) < n+aead.Overhead() {
			return nil, 0, fmt.Errorf("signer: sealed key %s is truncated", k.ID)
		}
		var der []byte
		if der, err = aead.Open(nil, body[:n], body[n:], additionalData(k)); err == nil {
			return der, i, nil
		}
	}
	what := "this key-encryption key"
	if len(s.aeads) > 1 {
		what = fmt.Sprintf("any of the %d key-encryption keys given", len(s.aeads))
	}
	return nil, 0, fmt.Errorf("signer: sealed key %s does not open with %s (was it sealed with another, or changed?): %w", k.ID, what, err)
}

func additionalData(k storage.SigningKey) []byte {
	return []byte(sealedPrefix + k.Algorithm + ":" + k.ID)
}

// CheckUnsealed fails with ErrSealed when any stored key is sealed: a
// server given no key-encryption key must not start on such a database,
// since it could neither sign with those keys nor keep the key set whole.
func CheckUnsealed(ctx context.Context, store storage.Keys) error {
	keys, err := store.SigningKeys(ctx)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if Sealed(k) {
			return ErrSealed
		}
	}
	return nil
}
