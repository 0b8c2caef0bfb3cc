package server

import (
	"context"
	"errors"
	"fmt"
	"os"

	"latch.dev/latch/internal/signer"
	"latch.dev/latch/internal/storage"
)

// signingKeys is where the signer keeps its keys: the store itself, or,
// with a key-encryption key, the store behind a seal. Keys stored before
// sealing was turned on are sealed now. A server without the key refuses
// to start on sealed keys rather than sign with new, unsealed ones beside
// them.
func (s *Server) signingKeys(ctx context.Context) (storage.Keys, error) {
	if s.cfg.KeyEncryptionKeyFile == "" {
		err := signer.CheckUnsealed(ctx, s.store)
		if errors.Is(err, signer.ErrSealed) {
			return nil, fmt.Errorf("%w; start the server with --key-encryption-key-file and the key they were sealed with", err)
		}
		if err != nil {
			return nil, fmt.Errorf("read signing keys: %w", err)
		}
		return s.store, nil
	}
	text, err := os.ReadFile(s.cfg.KeyEncryptionKeyFile)
	if err != nil {
		return nil, fmt.Errorf("--key-encryption-key-file: %w", err)
	}
	kek, err := signer.ParseKeyEncryptionKey(text)
	if err != nil {
		return nil, fmt.Errorf("--key-encryption-key-file %s: %w", s.cfg.KeyEncryptionKeyFile, err)
	}
	sealed, err := signer.NewSealedKeys(s.store, kek, s.cfg.Rand)
	if err != nil {
		return nil, err
	}
	n, err := sealed.Seal(ctx)
	if err != nil {
		return nil, fmt.Errorf("seal signing keys: %w", err)
	}
	if n > 0 {
		s.cfg.Log.InfoContext(ctx, "sealed the stored signing keys with the key-encryption key", "keys", n)
	}
	return sealed, nil
}
