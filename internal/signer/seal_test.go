package signer

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/signer/signertest"
	"latch.dev/latch/internal/storage"
	"latch.dev/latch/internal/testutil/fakeclock"
)

func newKEK(t *testing.T) []byte {
	t.Helper()
	kek := make([]byte, KeyEncryptionKeySize)
	if _, err := rand.Read(kek); err != nil {
		t.Fatal(err)
	}
	return kek
}

// sealedOn seals store under keks: the first seals, every one opens.
func sealedOn(t *testing.T, store storage.Keys, keks ...[]byte) *SealedKeys {
	t.Helper()
	s, err := NewSealedKeys(store, keks, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSealedKeysNeverReachTheStoreInTheClear runs a signer on sealed keys
// and checks what the store holds: no private key in the clear, and a
// signer on the same store with the same key-encryption key (another
// replica) signs and verifies with those keys.
func TestSealedKeysNeverReachTheStoreInTheClear(t *testing.T) {
	ctx := t.Context()
	store, clock := signertest.NewKeys(), fakeclock.New(t0)
	kek := newKEK(t)
	s := maintained(t, sealedOn(t, store, kek), clock)
	tok, err := s.Sign(ctx, []byte(`{"sub":"x"}`))
	if err != nil {
		t.Fatal(err)
	}

	raw, err := store.SigningKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := sealedOn(t, store, kek).SigningKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) == 0 || len(raw) != len(plain) {
		t.Fatalf("%d stored keys, %d opened", len(raw), len(plain))
	}
	for i, k := range raw {
		if !Sealed(k) {
			t.Errorf("key %s is stored in the clear", k.ID)
		}
		if bytes.Contains(k.PrivateDER, plain[i].PrivateDER) {
			t.Errorf("key %s: the stored form contains the private key", k.ID)
		}
		if _, err := parseKey(plain[i], nil); err != nil {
			t.Errorf("key %s does not open to a usable key: %v", k.ID, err)
		}
	}

	replica := maintained(t, sealedOn(t, store, kek), clock)
	if _, err := verifyWith(ctx, replica, tok); err != nil {
		t.Errorf("another replica with the same key-encryption key cannot verify: %v", err)
	}
	if _, err := replica.Sign(ctx, []byte(`{"sub":"y"}`)); err != nil {
		t.Errorf("another replica cannot sign: %v", err)
	}
}

func TestSealedKeysRefuseAnotherKeyOrATamperedRecord(t *testing.T) {
	ctx := t.Context()
	store, kek := signertest.NewKeys(), newKEK(t)
	maintained(t, sealedOn(t, store, kek), fakeclock.New(t0))

	if _, err := sealedOn(t, store, newKEK(t)).SigningKeys(ctx); err == nil || !strings.Contains(err.Error(), "does not open with this key-encryption key") {
		t.Errorf("another key-encryption key: got %v, want a refusal", err)
	}

	raw, err := store.SigningKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for name, tamper := range map[string]func(*storage.SigningKey){
		"a flipped byte":            func(k *storage.SigningKey) { k.PrivateDER[len(k.PrivateDER)-1] ^= 1 },
		"truncated":                 func(k *storage.SigningKey) { k.PrivateDER = k.PrivateDER[:len(sealedPrefix)+4] },
		"moved to another key's ID": func(k *storage.SigningKey) { k.ID = "another-kid" },
		"another algorithm":         func(k *storage.SigningKey) { k.Algorithm = RS256 },
	} {
		t.Run(name, func(t *testing.T) {
			k := raw[0]
			k.PrivateDER = bytes.Clone(k.PrivateDER)
			tamper(&k)
			other := signertest.NewKeys()
			if err := other.UpdateSigningKeys(ctx, func([]storage.SigningKey) ([]storage.SigningKey, error) {
				return []storage.SigningKey{k}, nil
			}); err != nil {
				t.Fatal(err)
			}
			if _, err := sealedOn(t, other, kek).SigningKeys(ctx); err == nil {
				t.Error("a tampered sealed key opened")
			}
		})
	}
}

// TestSealSealsKeysStoredInTheClear turns sealing on for a key set written
// without it: Seal seals every key once, the signer goes on with the same
// keys (a token signed before verifies after), and an unsealed reader is
// told the keys are sealed.
func TestSealSealsKeysStoredInTheClear(t *testing.T) {
	ctx := t.Context()
	store, clock := signertest.NewKeys(), fakeclock.New(t0)
	before := maintained(t, store, clock)
	tok, err := before.Sign(ctx, []byte(`{"sub":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckUnsealed(ctx, store); err != nil {
		t.Fatalf("CheckUnsealed on clear keys: %v", err)
	}

	sealed := sealedOn(t, store, newKEK(t))
	n, err := sealed.Seal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := store.SigningKeys(ctx)
	if n == 0 || n != len(raw) {
		t.Errorf("Seal sealed %d keys of %d", n, len(raw))
	}
	if n, err := sealed.Seal(ctx); err != nil || n != 0 {
		t.Errorf("Seal again: %d, %v; want nothing to do", n, err)
	}
	if err := CheckUnsealed(ctx, store); !errors.Is(err, ErrSealed) {
		t.Errorf("CheckUnsealed on sealed keys: %v, want ErrSealed", err)
	}
	after := maintained(t, sealed, clock)
	if _, err := verifyWith(ctx, after, tok); err != nil {
		t.Errorf("a token signed before sealing does not verify after: %v", err)
	}
}

// TestTheKeyEncryptionKeyChangesWhileReplicasRun follows the rolling
// change of docs/operations.md on one store: replicas that know both keys
// read keys sealed under either; Seal on one that seals under the new key
// moves every key to it, also keys that a replica still sealing under the
// old one rotated in the meantime; at the end the new key alone opens
// everything and the old one nothing, and a token signed before the change
// still verifies.
func TestTheKeyEncryptionKeyChangesWhileReplicasRun(t *testing.T) {
	ctx := t.Context()
	store, clock := signertest.NewKeys(), fakeclock.New(t0)
	oldKey, newKey := newKEK(t), newKEK(t)
	before := maintained(t, sealedOn(t, store, oldKey), clock)
	tok, err := before.Sign(ctx, []byte(`{"sub":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	opens := func(keks ...[]byte) error {
		_, err := sealedOn(t, store, keks...).SigningKeys(ctx)
		return err
	}

	// Step 1: every replica learns the new key, still sealing under the old.
	lagging := sealedOn(t, store, oldKey, newKey)
	if n, err := lagging.Seal(ctx); err != nil || n != 0 {
		t.Fatalf("Seal with the old key first: %d, %v; want nothing to do", n, err)
	}
	// Step 2: replicas restart with the new key first.
	moved := sealedOn(t, store, newKey, oldKey)
	n, err := moved.Seal(ctx)
	raw, _ := store.SigningKeys(ctx)
	if err != nil || n == 0 || n != len(raw) {
		t.Fatalf("Seal with the new key first: %d of %d keys, %v", n, len(raw), err)
	}
	if err := opens(oldKey); err == nil {
		t.Error("the old key alone still opens the keys after Seal")
	}
	// A replica not yet restarted rotates, sealing under the old key again;
	// both kinds of replica read the result, and the next Seal moves it.
	laggingSigner := maintained(t, lagging, clock)
	if err := laggingSigner.Rotate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := opens(newKey); err == nil {
		t.Error("after a rotation by a replica sealing under the old key, the new key alone opens every key")
	}
	if err := opens(newKey, oldKey); err != nil {
		t.Errorf("a replica with both keys cannot read the keys: %v", err)
	}
	if n, err := moved.Seal(ctx); err != nil || n == 0 {
		t.Errorf("Seal after the lagging rotation: %d, %v; want keys moved", n, err)
	}
	// Step 3: the new key alone.
	if err := opens(newKey); err != nil {
		t.Errorf("the new key alone after the change: %v", err)
	}
	if err := opens(oldKey); err == nil {
		t.Error("the old key alone opens keys after the change")
	}
	after := maintained(t, sealedOn(t, store, newKey), clock)
	if _, err := verifyWith(ctx, after, tok); err != nil {
		t.Errorf("a token signed before the change does not verify after it: %v", err)
	}
	if err := opens(newKEK(t), newKEK(t)); err == nil || !strings.Contains(err.Error(), "any of the 2 key-encryption keys") {
		t.Errorf("two wrong keys: %v; want a refusal that counts the keys tried", err)
	}
}

func TestParseKeyEncryptionKey(t *testing.T) {
	good := base64.StdEncoding.EncodeToString(newKEK(t))
	if kek, err := ParseKeyEncryptionKey([]byte(" " + good + "\n")); err != nil || len(kek) != KeyEncryptionKeySize {
		t.Errorf("a base64 key with white space: %d bytes, %v", len(kek), err)
	}
	for name, text := range map[string]string{
		"empty":        "",
		"too short":    base64.StdEncoding.EncodeToString(make([]byte, 16)),
		"not base64":   strings.Repeat("!", 44),
		"raw bytes":    string(newKEK(t)),
		"a passphrase": "correct horse battery staple",
	} {
		if _, err := ParseKeyEncryptionKey([]byte(text)); !errs.Is(err, errs.Invalid) || !strings.Contains(errs.Message(err), "openssl rand -base64 32") {
			t.Errorf("%s: got %v, want a refusal that says how to make one", name, err)
		}
	}
	if _, err := NewSealedKeys(signertest.NewKeys(), [][]byte{make([]byte, 16)}, nil); err == nil {
		t.Error("NewSealedKeys took a 16-byte key")
	}
	if _, err := NewSealedKeys(signertest.NewKeys(), [][]byte{newKEK(t), make([]byte, 31)}, nil); err == nil || !strings.Contains(err.Error(), "key 2") {
		t.Errorf("NewSealedKeys with a short second key: %v; want a refusal naming key 2", err)
	}
	if _, err := NewSealedKeys(signertest.NewKeys(), nil, nil); err == nil {
		t.Error("NewSealedKeys took no key")
	}
}
