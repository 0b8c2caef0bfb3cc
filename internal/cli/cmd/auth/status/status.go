// Package status is `latch auth status`: who you are on the server, and
// what you may do where.
package status

import (
	"context"
	"fmt"
	"strings"
	"time"

	"connectrpc.com/connect"
	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/config"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/output"
	"latch.dev/latch/internal/cli/tokencache"
	"latch.dev/latch/internal/client"
	authv1 "latch.dev/latch/internal/gen/latch/auth/v1"
)

// Options are the inputs of status.
type Options struct {
	IO      *iostreams.IOStreams
	Config  func() (*config.Config, error)
	Session func() (*tokencache.Session, error)
	API     func() (*client.API, error)
	Now     func() time.Time

	Format output.Format
}

// NewCmdStatus returns the command; runF, when set, replaces statusRun.
func NewCmdStatus(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, Session: f.Session, API: f.API, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show who you are logged in as and what you may do",
		Long: `Show who you are logged in as and what you may do.

The server checks the session and reports your identity, how you logged in,
when the token expires, and your roles in each group (-o wide adds the
capabilities). The session is renewed first if it has expired and can be.`,
		Example: `  latch auth status
  latch auth status -o json | jq -r .subject`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return statusRun(cmd.Context(), opts)
		},
	}
	output.AddFlag(cmd, &opts.Format)
	return cmd
}

func statusRun(ctx context.Context, opts *Options) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	s, err := opts.Session()
	if err != nil {
		return err
	}
	cr, err := s.Credentials(ctx)
	if err != nil {
		return err
	}
	api, err := opts.API()
	if err != nil {
		return err
	}
	resp, err := api.Auth.WhoAmI(ctx, connect.NewRequest(&authv1.WhoAmIRequest{}))
	if err != nil {
		return err
	}
	who := resp.Msg
	p := output.NewPrinter(opts.IO, opts.Format, cfg.Output, opts.Now)
	switch p.Format() {
	case output.JSON:
		return p.JSON(who)
	case output.ID:
		_, err := fmt.Fprintln(opts.IO.Out, who.GetSubject())
		return err
	}

	login := who.GetLogin()
	if login == "" {
		login = cr.Login.Method
	}
	labels := []string{"Server", "Identity", "ID", "Login"}
	values := []string{cfg.URL, who.GetIdentityName(), who.GetSubject(), login}
	add := func(label, value string) {
		if value != "" {
			labels, values = append(labels, label), append(values, value)
		}
	}
	add("Upstream", who.GetUpstream())
	add("Email", who.GetEmail())
	add("Audience", strings.Join(who.GetAudience(), ", "))
	if t := who.GetIssuedAt(); t != nil {
		add("Issued", p.Time(t.AsTime()))
	}
	if t := who.GetExpiry(); t != nil {
		add("Expires", p.Time(t.AsTime()))
	}
	add("Narrowed to capabilities", strings.Join(who.GetNarrowedCapabilities(), ", "))
	add("Narrowed to groups", strings.Join(who.GetNarrowedScopes(), ", "))
	add("Valid", "True")
	if err := p.Fields(labels, values); err != nil {
		return err
	}
	if len(who.GetGrants()) == 0 {
		_, err := fmt.Fprintln(opts.IO.Out, "\nNo roles: ask an owner of a group for a role binding.")
		return err
	}
	headers := []string{"GROUP", "ROLES"}
	if p.Format() == output.Wide {
		headers = append(headers, "CAPABILITIES")
	}
	rows := make([][]string, 0, len(who.GetGrants()))
	for _, g := range who.GetGrants() {
		row := []string{groupLabel(g), strings.Join(g.GetRoles(), ", ")}
		if p.Format() == output.Wide {
			row = append(row, strings.Join(g.GetCapabilities(), ","))
		}
		rows = append(rows, row)
	}
	fmt.Fprintln(opts.IO.Out)
	if p.Format() == output.TSV {
		// Labelled fields above are for people; keep the grants
		// readable too.
		p = output.NewPrinter(opts.IO, output.Table, "", opts.Now)
	}
	return p.Rows(headers, rows)
}

func groupLabel(g *authv1.Grant) string {
	switch {
	case g.GetGroup() == "/":
		return "/ (every organization)"
	case g.GetGroupName() != "":
		return g.GetGroupName() + " [" + g.GetGroup() + "]"
	}
	return g.GetGroup()
}
