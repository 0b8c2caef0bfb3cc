package service

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"strings"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
	"latch.dev/latch/internal/token"
)

// The bootstrap gives a new server its first administrator without a
// window in which a stranger on the network could claim it (the race that
// a "first caller wins" bootstrap has): the server makes a one-time secret
// that only someone with access to its data directory, logs or
// configuration can read, and the first administrator is whoever presents
// it. It works once; the record of its use stays in the store.

// bootstrapIssuer marks the administrator created by the bootstrap.
const bootstrapIssuer = "latch:bootstrap"

// bootstrapSecretPrefix makes a bootstrap secret recognisable in a
// secrets scanner and in error reports.
const bootstrapSecretPrefix = "latch_bs_"

// NewBootstrapSecret returns a fresh random bootstrap secret.
func (s *Service) NewBootstrapSecret() (string, error) {
	r, err := randomString(s.rand, 32)
	if err != nil {
		return "", err
	}
	return bootstrapSecretPrefix + r, nil
}

// InitBootstrap records secret as the bootstrap secret unless the server
// has one already (from an earlier start, or from another replica). It
// reports whether this call recorded it.
func (s *Service) InitBootstrap(ctx context.Context, secret string) (bool, error) {
	if len(secret) < 32 {
		return false, errs.Invalidf("bootstrap secret", "must be at least 32 characters long")
	}
	sum := sha256.Sum256([]byte(secret))
	return s.store.InitBootstrap(ctx, storage.BootstrapState{SecretHash: sum[:], CreatedAt: s.now().UTC()})
}

// Bootstrapped reports whether the bootstrap was used.
func (s *Service) Bootstrapped(ctx context.Context) (bool, error) {
	st, err := s.store.BootstrapState(ctx)
	if errs.Is(err, errs.NotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return !st.UsedAt.IsZero(), nil
}

// Bootstrap uses the secret to create the first administrator, a user at
// the root named name (default "admin") who owns the whole server, and
// returns its tokens. It works once. sourceIP, the caller's address, goes
// into the audit event.
func (s *Service) Bootstrap(ctx context.Context, secret, name, sourceIP string) (TokenPair, error) {
	if name == "" {
		name = "admin"
	}
	if err := iam.ValidateName("name", name); err != nil {
		return TokenPair{}, err
	}
	secret = strings.TrimSpace(secret)
	var pair TokenPair
	var admin iam.Identity
	err := s.store.Tx(ctx, func(tx storage.Store) error {
		st, err := tx.BootstrapState(ctx)
		if errs.Is(err, errs.NotFound) {
			return errs.New(errs.Conflict, "this server has no bootstrap secret; it makes one when it first starts")
		}
		if err != nil {
			return err
		}
		if !st.UsedAt.IsZero() {
			return errs.New(errs.Conflict, "this server was bootstrapped already, at %s; ask its administrators for access", st.UsedAt.UTC().Format("2006-01-02 15:04:05 MST"))
		}
		sum := sha256.Sum256([]byte(secret))
		if subtle.ConstantTimeCompare(sum[:], st.SecretHash) != 1 {
			return errs.New(errs.Unauthenticated, "the bootstrap secret is wrong; use the one the server wrote when it first started")
		}
		now := s.now().UTC()
		if admin.ID, err = iam.NewRootID(s.rand); err != nil {
			return err
		}
		admin.Name, admin.CreatedAt, admin.UpdatedAt = name, now, now
		admin.Description = "Administrator created by the bootstrap"
		admin.User = &iam.User{Issuer: bootstrapIssuer, Subject: name}
		if err := admin.Validate(now); err != nil {
			return err
		}
		if err := tx.CreateIdentity(ctx, admin); err != nil {
			return fmt.Errorf("create administrator: %w", err)
		}
		owner, _ := iam.BuiltInRole("owner")
		bid, err := iam.NewRootID(s.rand)
		if err != nil {
			return err
		}
		if err := tx.CreateRoleBinding(ctx, iam.RoleBinding{ID: bid, Identity: admin.ID, Role: owner.ID, CreatedAt: now, UpdatedAt: now}); err != nil {
			return fmt.Errorf("bind administrator: %w", err)
		}
		if err := tx.UseBootstrap(ctx, admin.ID, now); err != nil {
			return err
		}
		pair, err = s.issue(ctx, tx, grant{identity: admin, kind: token.KindBootstrap, actor: userActor(admin), withRefresh: true})
		return err
	})
	s.audit(ctx, iam.Event{Type: "bootstrap", Group: iam.RootScope, Identity: admin.ID, Subject: name, SourceIP: sourceIP}, err)
	if err != nil {
		return TokenPair{}, err
	}
	return pair, nil
}
