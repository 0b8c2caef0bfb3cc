// Package github is `latch iam identities create github`: an identity
// that GitHub Actions workflows of one repository assume with their OIDC
// tokens.
package github

import (
	"context"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmd/iam/identities/shared"
	"latch.dev/latch/internal/cli/cmdutil"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

// Issuer is GitHub Actions' OIDC issuer.
const Issuer = "https://token.actions.githubusercontent.com"

// repoRE is owner/repo as GitHub allows them: an owner of letters, digits
// and dashes, a repository of letters, digits, '.', '_' and '-'.
var repoRE = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$`)

// Options are the inputs of `create github`.
type Options struct {
	shared.CreateOptions

	Name     string
	Repo     string
	Ref      string
	Workflow string
	Audience string
	// Issuer is GitHub's OIDC issuer: Issuer for github.com, another for
	// GitHub Enterprise Server (https://HOST/_services/token).
	Issuer string
}

// NewCmdGitHub returns the command; runF, when set, replaces githubRun.
func NewCmdGitHub(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{CreateOptions: shared.NewCreateOptions(f)}
	cmd := &cobra.Command{
		Use:   "github NAME --github-repo OWNER/REPO [--github-ref REF] [--github-workflow PATH] --parent ORG|FOLDER",
		Short: "Create an identity that GitHub Actions workflows may assume",
		Long: `Create an identity that GitHub Actions runs of one repository may assume
with their OIDC token (issuer ` + Issuer + `). The rule it writes
is shown:

  subject        ^repo:OWNER/REPO:ref:REF$ with --github-ref, else
                 ^repo:OWNER/REPO:.+$ (any run: every branch, tag,
                 environment and pull request)
  repository     ^OWNER/REPO$
  ref            ^REF$                       with --github-ref
  workflow_ref   ^OWNER/REPO/PATH@REF$       with --github-workflow

A --github-ref without "refs/" is a branch: main means refs/heads/main. A
--github-workflow without "/" is a file in .github/workflows/. A job that
runs in an environment has the environment, not the ref, in its subject:
leave --github-ref out and rely on the ref claim instead, or write the rule
with ` + "`create NAME --identity-issuer … --subject …`" + `.

The workflow must ask for a token whose audience is the latch server's URL
(or --audience): core.getIDToken('<latch URL>'). On GitHub Enterprise
Server, give its issuer with --github-issuer https://HOST/_services/token.`,
		Example: `  latch iam identities create github deployer --github-repo example/app \
      --github-ref main --parent example.dev --role editor
  latch iam ids create github release --github-repo example/app --github-ref refs/tags/v1.0.0 \
      --github-workflow release.yml --parent example.dev -o json`,
		Args: cmdutil.ExactArgs(1, "a NAME for the identity is required"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if err := opts.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return githubRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Repo, "github-repo", "", "the repository whose workflows may assume the identity, as OWNER/REPO")
	cmd.Flags().StringVar(&opts.Ref, "github-ref", "", "only runs on this ref: refs/heads/BRANCH, refs/tags/TAG, or a branch name")
	cmd.Flags().StringVar(&opts.Workflow, "github-workflow", "", "only this workflow: .github/workflows/FILE.yml, or FILE.yml")
	cmd.Flags().StringVar(&opts.Audience, "audience", "", "audience the token must carry (default: the latch server's URL)")
	cmd.Flags().StringVar(&opts.Issuer, "github-issuer", Issuer, "GitHub's OIDC issuer URL (another one for GitHub Enterprise Server)")
	opts.AddFlags(cmd)
	return cmd
}

func (o *Options) check() error {
	switch {
	case o.Repo == "":
		return cmdutil.FlagErrorf("--github-repo is required")
	case !repoRE.MatchString(o.Repo):
		return cmdutil.FlagErrorf("--github-repo %q is not OWNER/REPO", o.Repo)
	case !strings.HasPrefix(o.Issuer, "https://") && !strings.HasPrefix(o.Issuer, "http://"):
		return cmdutil.FlagErrorf("--github-issuer %q is not an issuer URL like %s", o.Issuer, Issuer)
	case strings.Contains(o.Workflow, "@") || strings.HasPrefix(o.Workflow, "/"):
		return cmdutil.FlagErrorf("--github-workflow %q is not a path in the repository, like .github/workflows/deploy.yml", o.Workflow)
	}
	return shared.CheckRef("github-ref", o.Ref)
}

// rule writes the claim_match rule for the options.
func (o *Options) rule() *iamv1.ClaimMatch {
	repo := regexp.QuoteMeta(o.Repo)
	iss := o.Issuer
	if iss == "" {
		iss = Issuer
	}
	m := &iamv1.ClaimMatch{
		Iss:           &iamv1.ClaimMatch_Issuer{Issuer: iss},
		Sub:           &iamv1.ClaimMatch_SubjectPattern{SubjectPattern: "^repo:" + repo + ":.+$"},
		ClaimPatterns: map[string]string{"repository": "^" + repo + "$"},
	}
	ref := ".+"
	if o.Ref != "" {
		full := o.Ref
		if !strings.HasPrefix(full, "refs/") {
			full = "refs/heads/" + full
		}
		ref = regexp.QuoteMeta(full)
		m.Sub = &iamv1.ClaimMatch_SubjectPattern{SubjectPattern: "^repo:" + repo + ":ref:" + ref + "$"}
		m.ClaimPatterns["ref"] = "^" + ref + "$"
	}
	if o.Workflow != "" {
		path := o.Workflow
		if !strings.Contains(path, "/") {
			path = ".github/workflows/" + path
		}
		m.ClaimPatterns["workflow_ref"] = "^" + repo + "/" + regexp.QuoteMeta(path) + "@" + ref + "$"
	}
	if o.Audience != "" {
		m.Aud = &iamv1.ClaimMatch_Audience{Audience: o.Audience}
	}
	return m
}

func githubRun(ctx context.Context, opts *Options) error {
	return opts.Create(ctx, &iamv1.Identity{Name: opts.Name, Relationship: &iamv1.Identity_ClaimMatch{ClaimMatch: opts.rule()}})
}
