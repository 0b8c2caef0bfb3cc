package server_test

import (
	"crypto/rand"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"latch.dev/latch/internal/server"
	"latch.dev/latch/internal/server/servertest"
	"latch.dev/latch/internal/signer"
	"latch.dev/latch/internal/storage/sqlstore"
)

// TestSigningKeysAreSealedWithAKeyEncryptionKey runs `latch server`'s
// start-up on one data directory four times: without a key-encryption key
// (keys in the clear), with one (the keys are sealed on start), without
// it again (refused), and with another one (refused). The database file
// itself is read to check what it holds.
func TestSigningKeysAreSealedWithAKeyEncryptionKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	kekFile := writeKEK(t, dir, "kek")
	otherFile := writeKEK(t, dir, "other-kek")
	start := func(keks ...string) error { return startOn(t, dir, keks...) }
	stored := func() (sealed, clear int) {
		st, err := sqlstore.Open(t.Context(), filepath.Join(dir, "latch.db"), sqlstore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		keys, err := st.SigningKeys(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			if signer.Sealed(k) {
				sealed++
			} else {
				clear++
			}
		}
		return sealed, clear
	}

	if err := start(); err != nil {
		t.Fatalf("start without a key-encryption key: %v", err)
	}
	if s, c := stored(); s != 0 || c == 0 {
		t.Fatalf("without a key-encryption key: %d sealed and %d clear keys stored", s, c)
	}
	if err := start(kekFile); err != nil {
		t.Fatalf("start with a key-encryption key: %v", err)
	}
	if s, c := stored(); s == 0 || c != 0 {
		t.Errorf("with a key-encryption key: %d sealed and %d clear keys stored; want all sealed", s, c)
	}
	if err := start(); err == nil || !strings.Contains(err.Error(), "--key-encryption-key-file") {
		t.Errorf("start on sealed keys without the key: %v; want a refusal naming --key-encryption-key-file", err)
	}
	if err := start(otherFile); err == nil || !strings.Contains(err.Error(), "does not open with this key-encryption key") {
		t.Errorf("start with another key-encryption key: %v; want a refusal", err)
	}
	if err := start(kekFile); err != nil {
		t.Errorf("start again with the right key: %v", err)
	}
	bad := filepath.Join(dir, "bad-kek")
	if err := os.WriteFile(bad, []byte("hunter2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := start(bad); err == nil || !strings.Contains(err.Error(), "openssl rand -base64 32") {
		t.Errorf("start with a key file that holds no key: %v; want a refusal that says how to make one", err)
	}
}

// TestTheKeyEncryptionKeyChangesInThreeRestarts follows the rolling
// procedure of docs/operations.md with one server: the old key, then both
// with the old first, then both with the new first (which seals everything
// under the new key), then the new key alone; at the end the old key alone
// is refused.
func TestTheKeyEncryptionKeyChangesInThreeRestarts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	oldKEK, newKEK := writeKEK(t, dir, "old"), writeKEK(t, dir, "new")
	for i, keks := range [][]string{{oldKEK}, {oldKEK, newKEK}, {newKEK, oldKEK}, {newKEK}} {
		if err := startOn(t, dir, keks...); err != nil {
			t.Fatalf("restart %d with %d keys: %v", i, len(keks), err)
		}
	}
	if err := startOn(t, dir, oldKEK); err == nil || !strings.Contains(err.Error(), "does not open with this key-encryption key") {
		t.Errorf("start with the old key alone after the change: %v; want a refusal", err)
	}
	if err := startOn(t, dir, writeKEK(t, dir, "third"), oldKEK); err == nil || !strings.Contains(err.Error(), "any of the 2 key-encryption keys") {
		t.Errorf("start with two keys that do not open the stored ones: %v; want a refusal", err)
	}
}

// startOn runs `latch server`'s start-up on dir with the key-encryption
// key files keks, and closes the server again.
func startOn(t *testing.T, dir string, keks ...string) error {
	t.Helper()
	cfg := server.Config{
		Addr: "127.0.0.1:0", URL: "http://127.0.0.1:1", DataDir: dir,
		KeyEncryptionKeyFiles: keks, Log: servertest.Logger(t),
	}
	srv, err := server.New(t.Context(), cfg)
	if err != nil {
		return err
	}
	return srv.Close()
}

func writeKEK(t *testing.T, dir, name string) string {
	t.Helper()
	kek := make([]byte, signer.KeyEncryptionKeySize)
	if _, err := rand.Read(kek); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(kek)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
