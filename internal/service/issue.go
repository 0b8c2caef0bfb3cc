package service

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"io"
	"strings"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
	"latch.dev/latch/internal/token"
)

// grant describes a token to mint for an identity.
type grant struct {
	identity iam.Identity
	kind     token.Kind
	actor    *token.Actor
	audience []string
	caps     []iam.Capability
	scopes   []string
	email    string
	// withRefresh issues a refresh token too, in family (a new family
	// when empty).
	withRefresh bool
	family      string
}

// issue mints the access token (and the refresh token, when asked) for g.
// Writes go through store, which may be a transaction.
func (s *Service) issue(ctx context.Context, store storage.Store, g grant) (TokenPair, error) {
	aud := g.audience
	if len(aud) == 0 {
		aud = []string{s.issuer}
	}
	tok, err := s.minter.Mint(ctx, token.Claims{
		Subject: g.identity.ID, Audience: aud, Actor: g.actor, Capabilities: g.caps,
		Scopes: g.scopes, Email: g.email, Kind: g.kind,
	})
	if err != nil {
		return TokenPair{}, fmt.Errorf("mint token for %s: %w", g.identity.ID, err)
	}
	pair := TokenPair{Token: tok.Raw, Expiry: tok.Expiry()}
	if g.withRefresh {
		if pair.RefreshToken, err = s.newRefreshToken(ctx, store, g.identity.ID, g.family, aud); err != nil {
			return TokenPair{}, err
		}
	}
	return pair, nil
}

// Refresh tokens look like "latch_rt_<id>.<secret>", both parts base64url.
// Only a hash of the secret is stored; the ID finds the record.
const refreshPrefix = "latch_rt_"

func (s *Service) newRefreshToken(ctx context.Context, store storage.Store, identity, family string, aud []string) (string, error) {
	id, err := randomString(s.rand, 16)
	if err != nil {
		return "", err
	}
	secret, err := randomString(s.rand, 32)
	if err != nil {
		return "", err
	}
	if family == "" {
		family = id
	}
	now := s.now().UTC()
	sum := sha256.Sum256([]byte(secret))
	err = store.CreateRefreshToken(ctx, storage.RefreshToken{
		ID: id, Family: family, Identity: identity, SecretHash: sum[:], Audience: aud,
		CreatedAt: now, ExpiresAt: now.Add(s.refresh),
	})
	if err != nil {
		return "", fmt.Errorf("store refresh token: %w", err)
	}
	return refreshPrefix + id + "." + secret, nil
}

// Refresh exchanges a refresh token for a new access token and a new
// refresh token. The old refresh token is dead afterwards; presenting it
// again revokes every token of its family, because a used refresh token
// coming back means it was copied.
func (s *Service) Refresh(ctx context.Context, raw string) (TokenPair, error) {
	id, secret, ok := strings.Cut(strings.TrimPrefix(raw, refreshPrefix), ".")
	if !strings.HasPrefix(raw, refreshPrefix) || !ok || id == "" || secret == "" {
		return TokenPair{}, errs.New(errs.Unauthenticated, "that is not a latch refresh token; log in again with `latch auth login`")
	}
	var pair TokenPair
	var useErr error
	err := s.store.Tx(ctx, func(tx storage.Store) error {
		pair, useErr = TokenPair{}, nil
		rt, err := tx.UseRefreshToken(ctx, id, s.now().UTC())
		if err != nil {
			if errs.Is(err, errs.Unauthenticated) {
				// Commit: a reuse has just revoked the family, and that
				// must stick.
				useErr = err
				return nil
			}
			return err
		}
		sum := sha256.Sum256([]byte(secret))
		if subtle.ConstantTimeCompare(sum[:], rt.SecretHash) != 1 {
			useErr = errs.New(errs.Unauthenticated, "the refresh token is not valid; log in again with `latch auth login`")
			return nil
		}
		ident, err := tx.Identity(ctx, rt.Identity)
		if errs.Is(err, errs.NotFound) {
			useErr = errs.Wrap(errs.Unauthenticated, err, "the identity of this refresh token no longer exists; log in again")
			return nil
		}
		if err != nil {
			return err
		}
		pair, err = s.issue(ctx, tx, grant{
			identity: ident, kind: loginKind(ident), audience: rt.Audience, email: userEmail(ident),
			actor: userActor(ident), withRefresh: true, family: rt.Family,
		})
		return err
	})
	if err != nil {
		return TokenPair{}, err
	}
	if useErr != nil {
		return TokenPair{}, useErr
	}
	return pair, nil
}

// RevokeRefresh revokes the family of a refresh token (logout). Unknown
// or malformed tokens are not an error: the outcome the caller wants —
// the token does not work — holds either way.
//
// A revocation of a real token is an audit event ("logout").
func (s *Service) RevokeRefresh(ctx context.Context, raw string) error {
	id, secret, ok := strings.Cut(strings.TrimPrefix(raw, refreshPrefix), ".")
	if !ok || id == "" || secret == "" {
		return nil
	}
	ev := iam.Event{Type: "logout", Group: iam.RootScope}
	err := s.store.Tx(ctx, func(tx storage.Store) error {
		ev.Identity = ""
		rt, err := tx.UseRefreshToken(ctx, id, s.now().UTC())
		if err != nil {
			return nil
		}
		sum := sha256.Sum256([]byte(secret))
		if subtle.ConstantTimeCompare(sum[:], rt.SecretHash) != 1 {
			return nil
		}
		ev.Identity = rt.Identity
		return tx.RevokeRefreshFamily(ctx, rt.Family, s.now().UTC())
	})
	if ev.Identity != "" {
		s.audit(ctx, ev, err)
	}
	return err
}

func loginKind(id iam.Identity) token.Kind {
	if id.User != nil && id.User.Issuer == bootstrapIssuer {
		return token.KindBootstrap
	}
	return token.KindUser
}

func userEmail(id iam.Identity) string {
	if id.User != nil {
		return id.User.Email
	}
	return ""
}

func userActor(id iam.Identity) *token.Actor {
	if id.User == nil {
		return nil
	}
	return &token.Actor{Issuer: id.User.Issuer, Subject: id.User.Subject}
}

func randomString(r io.Reader, n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("read random bytes: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
