// Package list is `latch events list`.
package list

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/types/known/timestamppb"

	"latch.dev/latch/internal/cli/cmd/iam/views"
	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/config"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/output"
	"latch.dev/latch/internal/client"
	authv1 "latch.dev/latch/internal/gen/latch/auth/v1"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
	"latch.dev/latch/internal/iam"
)

// defaultLimit is how many events a listing shows unless --limit says.
const defaultLimit = 50

// Options are the inputs of list.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	API    func() (*client.API, error)
	Now    func() time.Time

	Parent   string
	Identity string
	Outcome  string
	Since    string
	Limit    int
	Format   output.Format
}

// NewCmdList returns the command; runF, when set, replaces listRun.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, API: f.API, Now: f.Now}
	cmd := &cobra.Command{
		Use:     "list [--parent ORG|FOLDER] [--identity NAME|ID] [--outcome accepted|refused] [--since DURATION|TIME]",
		Aliases: []string{"ls"},
		Short:   "List audit events, newest first",
		Long: `List audit events, newest first: who exchanged what proof for which
identity, and whether it was accepted. Refusals carry the reason the caller
was told, which is where to start when a workload cannot log in.

--since takes a duration back from now (90s, 30m, 1h, 7d) or a time
(2026-03-31 or RFC 3339). --limit bounds the listing (0: everything).
--parent defaults to the config's default.parent; without one, every event
you may see. Reading events needs the audit_events.list capability.`,
		Example: `  latch events ls --since 1h
  latch events ls --identity ec2-app --outcome refused -o wide
  latch events ls --parent example.dev --since 2026-03-01 --limit 0 -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Outcome != "" && opts.Outcome != iam.OutcomeAccepted && opts.Outcome != iam.OutcomeRefused {
				return cmdutil.FlagErrorf("--outcome must be accepted or refused, not %q", opts.Outcome)
			}
			if opts.Limit < 0 {
				return cmdutil.FlagErrorf("--limit must be 0 (no limit) or more")
			}
			if _, err := parseSince(opts.Since, time.Now()); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Parent, "parent", "", "only events in this organization or folder (name or ID) and below")
	cmd.Flags().StringVar(&opts.Identity, "identity", "", "only events of this identity (name or ID)")
	cmd.Flags().StringVar(&opts.Outcome, "outcome", "", "only accepted or only refused events")
	cmd.Flags().StringVar(&opts.Since, "since", "", "only events after this: a duration back from now (1h, 7d) or a time (YYYY-MM-DD, RFC 3339)")
	cmd.Flags().IntVarP(&opts.Limit, "limit", "L", defaultLimit, "at most this many events (0: all)")
	_ = cmd.RegisterFlagCompletionFunc("outcome", cobra.FixedCompletions([]string{iam.OutcomeAccepted, iam.OutcomeRefused}, cobra.ShellCompDirectiveNoFileComp))
	output.AddFlag(cmd, &opts.Format)
	return cmd
}

func listRun(ctx context.Context, opts *Options) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	api, err := opts.API()
	if err != nil {
		return err
	}
	req := &authv1.ListEventsRequest{Parent: cmdutil.Parent(opts.Parent, cfg), Outcome: opts.Outcome}
	since, err := parseSince(opts.Since, opts.Now())
	if err != nil {
		return err
	}
	if !since.IsZero() {
		req.Since = timestamppb.New(since)
	}
	if opts.Identity != "" {
		// An ID is taken as it is, so that events of a deleted identity
		// can still be read.
		req.Identity = opts.Identity
		if !iam.ValidID(opts.Identity) {
			id, err := api.Identity(ctx, opts.Identity, req.Parent)
			if err != nil {
				return err
			}
			req.Identity = id.GetId()
		}
	}
	list, err := api.ListEvents(ctx, req, opts.Limit)
	if err != nil {
		return err
	}
	p := output.NewPrinter(opts.IO, opts.Format, cfg.Output, opts.Now)
	var names map[string]string
	if p.Tabular() {
		names = identityNames(ctx, api, list)
	}
	return output.List(p, views.Event(names), list)
}

// identityNames names the events' identities for the IDENTITY column, in
// one call. It is best effort: without identity.list, or for identities
// deleted since, the column shows IDs.
func identityNames(ctx context.Context, api *client.API, list []*authv1.Event) map[string]string {
	var ids []string
	for _, e := range list {
		if id := e.GetIdentity(); id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	found, err := api.ListIdentities(ctx, &iamv1.IdentityFilter{Uidp: &iamv1.UIDPFilter{Ids: ids}})
	if err != nil {
		return nil
	}
	names := make(map[string]string, len(found))
	for _, id := range found {
		names[id.GetId()] = id.GetName()
	}
	return names
}

// parseSince reads --since: a duration back from now (Go's units plus d
// for days and w for weeks), a date (midnight UTC) or an RFC 3339 time.
// "" is the zero time: no bound.
func parseSince(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	d, err := parseDuration(s)
	if err != nil || d <= 0 {
		return time.Time{}, cmdutil.FlagErrorf("--since %q is neither a duration (30m, 1h, 7d) nor a time (YYYY-MM-DD, RFC 3339)", s)
	}
	return now.Add(-d), nil
}

// parseDuration is time.ParseDuration plus whole days (7d) and weeks (2w).
func parseDuration(s string) (time.Duration, error) {
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			v, err := strconv.Atoi(n)
			if err != nil {
				return 0, err
			}
			return time.Duration(v) * unit, nil
		}
	}
	return time.ParseDuration(s)
}
