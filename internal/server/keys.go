package server

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"latch.dev/latch/internal/signer"
	"latch.dev/latch/internal/storage"
)

// signingKeys is where the signer keeps its keys: the store itself, or,
// with key-encryption keys, the store behind a seal. Keys stored before
// sealing was turned on, or sealed under another of the keys given, are
// sealed under the first now. A server without a key refuses to start on
// sealed keys rather than sign with new, unsealed ones beside them.
func (s *Server) signingKeys(ctx context.Context) (storage.Keys, error) {
	if len(s.cfg.KeyEncryptionKeyFiles) == 0 {
		err := signer.CheckUnsealed(ctx, s.store)
		if errors.Is(err, signer.ErrSealed) {
			return nil, fmt.Errorf("%w; start the server with --key-encryption-key-file and the key they were sealed with", err)
		}
		if err != nil {
			return nil, fmt.Errorf("read signing keys: %w", err)
		}
		return s.store, nil
	}
	keks := make([][]byte, 0, len(s.cfg.KeyEncryptionKeyFiles))
	for _, file := range s.cfg.KeyEncryptionKeyFiles {
		text, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("--key-encryption-key-file: %w", err)
		}
		kek, err := signer.ParseKeyEncryptionKey(text)
		if err != nil {
			return nil, fmt.Errorf("--key-encryption-key-file %s: %w", file, err)
		}
		keks = append(keks, kek)
	}
	sealed, err := signer.NewSealedKeys(s.store, keks, s.cfg.Rand)
	if err != nil {
		return nil, err
	}
	if err := s.reseal(ctx, sealed); err != nil {
		return nil, err
	}
	if len(keks) > 1 {
		s.sealed = sealed
	}
	return sealed, nil
}

// reseal seals under the first key-encryption key what is not sealed
// under it yet.
func (s *Server) reseal(ctx context.Context, sealed *signer.SealedKeys) error {
	n, err := sealed.Seal(ctx)
	if err != nil {
		return fmt.Errorf("seal signing keys: %w", err)
	}
	if n > 0 {
		s.cfg.Log.InfoContext(ctx, "sealed signing keys under the first key-encryption key", "keys", n)
	}
	return nil
}

// keepResealing reseals every interval until ctx ends. A server given
// several key-encryption keys runs it: while the key is being changed,
// replicas not yet restarted still seal the keys they rotate under the old
// one, and this moves those to the new one without another restart.
func (s *Server) keepResealing(ctx context.Context, interval time.Duration) {
	if s.sealed == nil {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := s.reseal(ctx, s.sealed); err != nil && ctx.Err() == nil {
			s.cfg.Log.WarnContext(ctx, "resealing signing keys failed; retrying later", "err", err)
		}
	}
}
