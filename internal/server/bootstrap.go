package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// BootstrapFileName is the file in the data directory that holds a
// generated bootstrap secret until the bootstrap is used.
const BootstrapFileName = "bootstrap-token"

// BootstrapFile is where this server writes its bootstrap secret.
func (s *Server) BootstrapFile() string { return filepath.Join(s.cfg.DataDir, BootstrapFileName) }

// prepareBootstrap makes sure a not-yet-bootstrapped server has a secret
// that only its operator can read. The secret comes from the
// configuration, or is generated and written to the data directory with
// mode 0600: reading it needs the same access as reading the database, so
// nobody on the network can claim the server first. Once the bootstrap is
// used, a leftover file is removed.
func (s *Server) prepareBootstrap(ctx context.Context) error {
	log, path := s.cfg.Log, s.BootstrapFile()
	done, err := s.svc.Bootstrapped(ctx)
	if err != nil {
		return fmt.Errorf("bootstrap state: %w", err)
	}
	if done {
		if err := os.Remove(path); err == nil {
			log.Info("removed the used bootstrap secret", "file", path)
		}
		return nil
	}
	secret, generated := s.cfg.BootstrapSecret, false
	if secret == "" && s.cfg.BootstrapSecretFile != "" {
		b, err := os.ReadFile(s.cfg.BootstrapSecretFile)
		if err != nil {
			return fmt.Errorf("--bootstrap-secret-file: %w", err)
		}
		secret = strings.TrimSpace(string(b))
	}
	if secret == "" {
		if secret, err = s.svc.NewBootstrapSecret(); err != nil {
			return err
		}
		generated = true
	}
	// Write before recording, so a crash in between never leaves a
	// recorded secret that nobody has.
	if generated {
		err := writeSecret(path, secret)
		switch {
		case errors.Is(err, fs.ErrExist):
			// An earlier start wrote it; that secret is the recorded one.
			b, rerr := os.ReadFile(path)
			if rerr != nil {
				return fmt.Errorf("read %s: %w", path, rerr)
			}
			secret, generated = strings.TrimSpace(string(b)), false
		case err != nil:
			return err
		}
	}
	stored, err := s.svc.InitBootstrap(ctx, secret)
	if err != nil {
		return fmt.Errorf("record bootstrap secret: %w", err)
	}
	switch {
	case !stored && generated:
		// Another replica recorded its own secret first; ours is useless.
		_ = os.Remove(path)
		log.Info("waiting for the bootstrap; another replica holds the bootstrap secret, or pass one with --bootstrap-secret-file")
	case s.cfg.BootstrapSecret != "" || s.cfg.BootstrapSecretFile != "":
		log.Info("waiting for the bootstrap; run `latch auth bootstrap` with the configured secret to create the first administrator")
	default:
		log.Info("waiting for the bootstrap; run `latch auth bootstrap --token-file FILE` to create the first administrator", "file", path)
	}
	return nil
}

func writeSecret(path, secret string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(secret + "\n"); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}
