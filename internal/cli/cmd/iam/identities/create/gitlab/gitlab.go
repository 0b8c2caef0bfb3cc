// Package gitlab is `latch iam identities create gitlab`: an identity
// that GitLab CI jobs of one project assume with their ID tokens.
package gitlab

import (
	"context"
	"net/url"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmd/iam/identities/shared"
	"latch.dev/latch/internal/cli/cmdutil"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

// DefaultURL is GitLab.com, the issuer of its ID tokens.
const DefaultURL = "https://gitlab.com"

// projectRE is a project path: a group, any subgroups, and the project.
var projectRE = regexp.MustCompile(`^[A-Za-z0-9_.][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_.][A-Za-z0-9_.-]*)+$`)

// Options are the inputs of `create gitlab`.
type Options struct {
	shared.CreateOptions

	Name     string
	Project  string
	Ref      string
	RefType  string
	URL      string
	Audience string
}

// NewCmdGitLab returns the command; runF, when set, replaces gitlabRun.
func NewCmdGitLab(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{CreateOptions: shared.NewCreateOptions(f)}
	cmd := &cobra.Command{
		Use:   "gitlab NAME --gitlab-project GROUP/PROJECT [--gitlab-ref REF] [--gitlab-url URL] --parent ORG|FOLDER",
		Short: "Create an identity that GitLab CI jobs may assume",
		Long: `Create an identity that GitLab CI jobs of one project may assume with
their ID token (id_tokens in .gitlab-ci.yml). The issuer is --gitlab-url,
GitLab.com unless you run your own. The rule it writes is shown:

  subject        ^project_path:GROUP/PROJECT:ref_type:TYPE:ref:REF$ with
                 --gitlab-ref, else any ref of the project
  project_path   ^GROUP/PROJECT$
  ref, ref_type  ^REF$ and ^TYPE$                with --gitlab-ref

--gitlab-ref-type says whether --gitlab-ref is a branch (the default) or a
tag, so that a tag named like a protected branch does not pass for it.

The job's ID token must have the latch server's URL (or --audience) as
its aud.`,
		Example: `  latch iam identities create gitlab deployer --gitlab-project example/app \
      --gitlab-ref main --parent example.dev --role editor
  latch iam ids create gitlab release --gitlab-project example/platform/app --gitlab-ref v1.0.0 \
      --gitlab-ref-type tag --gitlab-url https://gitlab.example.dev --parent example.dev`,
		Args: cmdutil.ExactArgs(1, "a NAME for the identity is required"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if err := opts.check(cmd.Flags().Changed("gitlab-ref-type")); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return gitlabRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Project, "gitlab-project", "", "the project whose jobs may assume the identity, as GROUP/PROJECT")
	cmd.Flags().StringVar(&opts.Ref, "gitlab-ref", "", "only jobs on this branch or tag")
	cmd.Flags().StringVar(&opts.RefType, "gitlab-ref-type", "branch", "what --gitlab-ref is: branch or tag")
	cmd.Flags().StringVar(&opts.URL, "gitlab-url", DefaultURL, "the GitLab instance, which issues the tokens")
	cmd.Flags().StringVar(&opts.Audience, "audience", "", "audience the token must carry (default: the latch server's URL)")
	_ = cmd.RegisterFlagCompletionFunc("gitlab-ref-type", cobra.FixedCompletions([]string{"branch", "tag"}, cobra.ShellCompDirectiveNoFileComp))
	opts.AddFlags(cmd)
	return cmd
}

func (o *Options) check(refTypeGiven bool) error {
	switch {
	case o.Project == "":
		return cmdutil.FlagErrorf("--gitlab-project is required")
	case !projectRE.MatchString(o.Project):
		return cmdutil.FlagErrorf("--gitlab-project %q is not GROUP/PROJECT", o.Project)
	case o.RefType != "branch" && o.RefType != "tag":
		return cmdutil.FlagErrorf("--gitlab-ref-type must be branch or tag, not %q", o.RefType)
	case refTypeGiven && o.Ref == "":
		return cmdutil.FlagErrorf("--gitlab-ref-type qualifies --gitlab-ref, which is missing")
	}
	if err := shared.CheckRef("gitlab-ref", o.Ref); err != nil {
		return err
	}
	u, err := url.Parse(o.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return cmdutil.FlagErrorf("--gitlab-url %q is not a URL like https://gitlab.example.dev", o.URL)
	}
	return nil
}

// rule writes the claim_match rule for the options.
func (o *Options) rule() *iamv1.ClaimMatch {
	project := regexp.QuoteMeta(o.Project)
	m := &iamv1.ClaimMatch{
		Iss:           &iamv1.ClaimMatch_Issuer{Issuer: strings.TrimRight(o.URL, "/")},
		Sub:           &iamv1.ClaimMatch_SubjectPattern{SubjectPattern: "^project_path:" + project + ":ref_type:(?:branch|tag):ref:.+$"},
		ClaimPatterns: map[string]string{"project_path": "^" + project + "$"},
	}
	if o.Ref != "" {
		ref := regexp.QuoteMeta(o.Ref)
		m.Sub = &iamv1.ClaimMatch_SubjectPattern{SubjectPattern: "^project_path:" + project + ":ref_type:" + o.RefType + ":ref:" + ref + "$"}
		m.ClaimPatterns["ref"] = "^" + ref + "$"
		m.ClaimPatterns["ref_type"] = "^" + o.RefType + "$"
	}
	if o.Audience != "" {
		m.Aud = &iamv1.ClaimMatch_Audience{Audience: o.Audience}
	}
	return m
}

func gitlabRun(ctx context.Context, opts *Options) error {
	return opts.Create(ctx, &iamv1.Identity{Name: opts.Name, Relationship: &iamv1.Identity_ClaimMatch{ClaimMatch: opts.rule()}})
}
