package service

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"latch.dev/latch/internal/authn"
	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
	"latch.dev/latch/internal/token"
)

// Human login. The CLI runs the authorization code flow with PKCE against
// the server's upstream OpenID Provider as a public client, and presents
// the ID token it got here. The server verifies it (issuer, signature,
// audience = latch's client, nonce, age), lets each ID token log in once,
// registers the person as a user at the root on first login, and answers
// with a latch token and a rotating refresh token. No secret is involved
// on either side: the CLI is a public client and PKCE binds the code to
// the CLI that asked for it.

// LoginRequest is an ID token to trade for a latch session.
type LoginRequest struct {
	IDToken     string
	Nonce       string   // the nonce of the CLI's authorization request
	AccessToken string   // issued with the ID token; only for the userinfo endpoint
	Audience    []string // of the latch token; default the server URL
	SourceIP    string
}

// LoginProvider describes the upstream OpenID Provider, for clients that
// start a login. It fails with NotFound when the server has none.
func (s *Service) LoginProvider() (authn.LoginProvider, error) {
	if s.login == nil {
		return authn.LoginProvider{}, errNoLoginProvider()
	}
	return s.login.Provider(), nil
}

func errNoLoginProvider() error {
	return errs.New(errs.NotFound, "this server has no login provider (its operator can set one with `latch server --oidc-issuer URL --oidc-client-id ID`); log in with --identity-token instead")
}

// Login verifies an ID token from the upstream provider and returns a
// session for the user it names, registering the user on first login.
func (s *Service) Login(ctx context.Context, req LoginRequest) (TokenPair, error) {
	ev := iam.Event{Type: "login", Group: iam.RootScope, SourceIP: req.SourceIP}
	pair, err := s.loginUser(ctx, req, &ev)
	s.audit(ctx, ev, err)
	return pair, err
}

func (s *Service) loginUser(ctx context.Context, req LoginRequest, ev *iam.Event) (TokenPair, error) {
	if s.login == nil {
		return TokenPair{}, errNoLoginProvider()
	}
	aud, err := s.audiences(req.Audience)
	if err != nil {
		return TokenPair{}, err
	}
	l, err := s.login.VerifyLogin(ctx, authn.LoginProof{IDToken: req.IDToken, Nonce: req.Nonce, AccessToken: req.AccessToken})
	if err != nil {
		return TokenPair{}, err
	}
	ev.Subject = l.Subject + " (" + l.Issuer + ")"
	now := s.now().UTC()
	// An ID token that leaked (a log, a proxy) must not start a second
	// session: the first login used it up.
	expires := l.Expiry
	if expires.Before(now) {
		expires = now
	}
	if err := s.store.ClaimProof(ctx, l.ReplayKey, expires.Add(time.Minute), now); err != nil {
		if errs.Is(err, errs.AlreadyExists) {
			return TokenPair{}, errs.Wrap(errs.Unauthenticated, err, "this ID token was used to log in already; run `latch auth login` again")
		}
		return TokenPair{}, fmt.Errorf("record login: %w", err)
	}
	var (
		pair TokenPair
		user iam.Identity
	)
	session := func(tx storage.Store) error {
		var err error
		user, err = s.userFor(ctx, tx, l, now)
		if err != nil {
			return err
		}
		pair, err = s.issue(ctx, tx, grant{
			identity: user, kind: token.KindUser, audience: aud, email: user.User.Email, withRefresh: true,
			actor: &token.Actor{Issuer: l.Issuer, Subject: l.Subject, Audience: []string{l.ClientID}},
		})
		return err
	}
	err = s.store.Tx(ctx, session)
	for try := 1; errs.Is(err, errs.AlreadyExists) && try < maxRegisterTries; try++ {
		// Another first login registered a user between our lookup and
		// our insert: the same person (the next try finds that user) or
		// another who was given the same name (the next try picks the
		// next free one).
		err = s.store.Tx(ctx, session)
	}
	if err != nil {
		return TokenPair{}, err
	}
	ev.Identity = user.ID
	if err := s.store.TouchIdentity(ctx, user.ID, now); err != nil {
		s.log.WarnContext(ctx, "record last login", "identity", user.ID, "err", err)
	}
	return pair, nil
}

// maxRegisterTries bounds the tries of a first login that collides with
// other first logins at once (see Login): each collision lets at least
// one of them through.
const maxRegisterTries = 5

// userFor returns the user l names, registering it at the root on first
// login and keeping its verified email current.
func (s *Service) userFor(ctx context.Context, tx storage.Store, l authn.Login, now time.Time) (iam.Identity, error) {
	user, err := tx.UserIdentity(ctx, l.Issuer, l.Subject)
	switch {
	case err == nil:
		if l.Email == "" || l.Email == user.User.Email {
			return user, nil
		}
		return tx.UpdateIdentity(ctx, user.ID, func(u *iam.Identity) error {
			u.User.Email, u.UpdatedAt = l.Email, now
			return nil
		})
	case !errs.Is(err, errs.NotFound):
		return iam.Identity{}, fmt.Errorf("find user: %w", err)
	}
	name, err := s.userName(ctx, tx, l)
	if err != nil {
		return iam.Identity{}, err
	}
	id, err := iam.NewRootID(s.rand)
	if err != nil {
		return iam.Identity{}, err
	}
	user = iam.Identity{
		ID: id, Name: name, Description: "Signed in through " + l.Issuer, CreatedAt: now, UpdatedAt: now,
		User: &iam.User{Issuer: l.Issuer, Subject: l.Subject, Email: l.Email},
	}
	if err := user.Validate(now); err != nil {
		return iam.Identity{}, fmt.Errorf("new user: %w", err)
	}
	if err := tx.CreateIdentity(ctx, user); err != nil {
		return iam.Identity{}, fmt.Errorf("register user: %w", err)
	}
	s.log.InfoContext(ctx, "registered user", "identity", user.ID, "name", name, "issuer", l.Issuer, "subject", l.Subject)
	return user, nil
}

// userName picks a name for a new user from what the provider says
// (preferred_username, the email's local part, the display name), made
// valid, and unique among users by a numeric suffix (the store refuses a
// second user of one name, so two first logins at once cannot both take
// it). The user itself is its issuer and subject; the name is what people
// type.
func (s *Service) userName(ctx context.Context, tx storage.Store, l authn.Login) (string, error) {
	local, _, _ := strings.Cut(l.Email, "@")
	base := "user"
	for _, c := range []string{l.Username, local, l.Name} {
		if n := sanitizeName(c); n != "" {
			base = n
			break
		}
	}
	for i := 1; i <= 100; i++ {
		name := base
		if i > 1 {
			name = base + "-" + strconv.Itoa(i)
		}
		page, err := tx.ListIdentities(ctx, storage.Filter{Parent: iam.RootScope, Name: name, PageSize: 1})
		if err != nil {
			return "", fmt.Errorf("check user name: %w", err)
		}
		if len(page.Items) == 0 {
			return name, nil
		}
	}
	suffix, err := randomString(s.rand, 6)
	if err != nil {
		return "", err
	}
	return base + "-" + strings.ToLower(strings.NewReplacer("_", "0", "-", "1").Replace(suffix)), nil
}

// sanitizeName maps s onto the name alphabet: lower case, runs of other
// characters become one "-", and the result starts with a letter or digit.
func sanitizeName(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.Trim(b.String(), "-._")
	if len(out) > 64 {
		out = strings.TrimRight(out[:64], "-._")
	}
	if out != "" && iam.ValidateName("name", out) != nil {
		out = "user-" + out
		if iam.ValidateName("name", out) != nil {
			return ""
		}
	}
	return out
}
