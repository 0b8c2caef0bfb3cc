package storagetest

import (
	"testing"
	"time"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
)

const (
	githubIssuer = "https://token.actions.githubusercontent.com"
	gitlabIssuer = "https://gitlab.example.dev"
)

func claimMatchIdentity(t *testing.T, group, name, issuer, issuerPattern string) iam.Identity {
	t.Helper()
	return iam.Identity{
		ID: newID(t, group), Name: name, CreatedAt: epoch(), UpdatedAt: epoch(),
		ClaimMatch: &iam.ClaimMatch{Issuer: issuer, IssuerPattern: issuerPattern, Subject: "repo:acme/" + name + ":ref:refs/heads/main"},
	}
}

func staticIdentity(t *testing.T, group, name, issuer string) iam.Identity {
	t.Helper()
	return iam.Identity{
		ID: newID(t, group), Name: name, CreatedAt: epoch(), UpdatedAt: epoch(),
		Static: &iam.StaticKeys{Issuer: issuer, Subject: "system:serviceaccount:ci:" + name,
			IssuerKeys: `{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}`,
			Expiration: epoch().Add(24 * time.Hour)},
	}
}

func listByIssuer(t *testing.T, st storage.Store, issuer string, size int) []string {
	t.Helper()
	var out []string
	f := storage.Filter{Issuer: issuer, PageSize: size}
	for {
		page, err := st.ListIdentities(t.Context(), f)
		must(t, err)
		out = append(out, ids(page.Items, identityID)...)
		if page.Next == "" {
			return out
		}
		f.PageToken = page.Next
	}
}

func issuerTests() []test {
	return []test{
		{"identities are found by the OIDC issuer their rule names", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			eng := createGroup(t, st, org.ID, "eng")
			gh := claimMatchIdentity(t, org.ID, "app", githubIssuer, "")
			ghDeep := claimMatchIdentity(t, eng.ID, "lib", githubIssuer, "")
			gl := claimMatchIdentity(t, org.ID, "gl", gitlabIssuer, "")
			pattern := claimMatchIdentity(t, org.ID, "any", "", `https://[a-z.]+\.example\.dev`)
			ghStatic := staticIdentity(t, org.ID, "airgapped", githubIssuer)
			glStatic := staticIdentity(t, org.ID, "cluster", gitlabIssuer)
			for _, id := range []iam.Identity{gh, ghDeep, gl, pattern, ghStatic, glStatic} {
				must(t, st.CreateIdentity(t.Context(), id))
			}
			createIdentity(t, st, org.ID, "aws")
			// A user of the same issuer is no candidate: users log in, they
			// are not assumed by exchange.
			createUser(t, st, githubIssuer, "user1")

			wantEqual(t, "candidates for GitHub", sorted(gh.ID, ghDeep.ID, pattern.ID, ghStatic.ID), listByIssuer(t, st, githubIssuer, 0))
			wantEqual(t, "candidates for GitLab", sorted(gl.ID, pattern.ID, glStatic.ID), listByIssuer(t, st, gitlabIssuer, 0))
			wantEqual(t, "candidates for an unknown issuer", []string{pattern.ID}, listByIssuer(t, st, "https://unknown.example", 0))
			wantEqual(t, "candidates for GitHub one per page", sorted(gh.ID, ghDeep.ID, pattern.ID, ghStatic.ID), listByIssuer(t, st, githubIssuer, 1))
		}},
		{"the issuer filter combines with the others", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			other := createGroup(t, st, iam.RootScope, "other.dev")
			mine := claimMatchIdentity(t, org.ID, "app", githubIssuer, "")
			theirs := claimMatchIdentity(t, other.ID, "app", githubIssuer, "")
			must(t, st.CreateIdentity(t.Context(), mine))
			must(t, st.CreateIdentity(t.Context(), theirs))
			page, err := st.ListIdentities(t.Context(), storage.Filter{Issuer: githubIssuer, Within: org.ID})
			must(t, err)
			wantEqual(t, "candidates within acme.dev", []string{mine.ID}, ids(page.Items, identityID))
		}},
		{"an update that changes the issuer moves the identity", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			id := claimMatchIdentity(t, org.ID, "app", githubIssuer, "")
			must(t, st.CreateIdentity(t.Context(), id))
			_, err := st.UpdateIdentity(t.Context(), id.ID, func(i *iam.Identity) error {
				i.ClaimMatch.Issuer = gitlabIssuer
				return nil
			})
			must(t, err)
			wantEqual(t, "candidates for GitHub", []string(nil), listByIssuer(t, st, githubIssuer, 0))
			wantEqual(t, "candidates for GitLab", []string{id.ID}, listByIssuer(t, st, gitlabIssuer, 0))
			_, err = st.UpdateIdentity(t.Context(), id.ID, func(i *iam.Identity) error {
				i.ClaimMatch, i.AWS = nil, awsRule()
				return nil
			})
			must(t, err)
			wantEqual(t, "candidates for GitLab once it is an AWS identity", []string(nil), listByIssuer(t, st, gitlabIssuer, 0))
		}},
		{"the issuer filter applies to identities only", func(t *testing.T, st storage.Store) {
			_, err := st.ListGroups(t.Context(), storage.Filter{Issuer: githubIssuer})
			wantKind(t, err, errs.Invalid)
			wantMessage(t, err, "issuer")
			_, err = st.ListRoleBindings(t.Context(), storage.Filter{Issuer: githubIssuer})
			wantKind(t, err, errs.Invalid)
		}},
	}
}
