package cmdutil

import (
	"bufio"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"latch.dev/latch/internal/cli/config"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/errs"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
	"latch.dev/latch/internal/iam"
)

// maxChoices bounds the groups ChooseParent offers; past it, a list is no
// help and --parent is the way.
const maxChoices = 30

// Parent returns the group a command works in: the --parent flag when
// given, else the configuration's default.parent (LATCH_DEFAULT_PARENT),
// else "".
func Parent(flag string, cfg *config.Config) string {
	if flag != "" {
		return flag
	}
	return cfg.DefaultParent
}

// ChooseParent is Parent for commands that cannot do without a group. With
// none given, it asks on a terminal which of the groups the caller can see
// to use, as chainctl does; without a terminal, having none is a usage
// error that says the ways to give one, so a script never waits for an
// answer. api is called only to ask.
func ChooseParent(ctx context.Context, ios *iostreams.IOStreams, api func() (*client.API, error), flag string, cfg *config.Config) (string, error) {
	if p := Parent(flag, cfg); p != "" {
		return p, nil
	}
	missing := FlagErrorf("--parent is required (or set default.parent in the config file, or LATCH_DEFAULT_PARENT)")
	if !ios.CanPrompt() {
		return "", missing
	}
	a, err := api()
	if err != nil {
		return "", err
	}
	groups, err := a.ListGroups(ctx, &iamv1.GroupFilter{})
	if err != nil {
		return "", err
	}
	switch {
	case len(groups) == 0:
		return "", errs.New(errs.NotFound, "you can see no organization or folder to use as --parent; ask an owner for a role binding")
	case len(groups) > maxChoices:
		return "", missing
	}
	paths := groupPaths(groups)
	slices.SortFunc(groups, func(a, b *iamv1.Group) int { return strings.Compare(paths[a.GetId()], paths[b.GetId()]) })
	fmt.Fprintln(ios.ErrOut, "Which organization or folder? (--parent saves this question)")
	for i, g := range groups {
		fmt.Fprintf(ios.ErrOut, "  %2d  %s\n", i+1, paths[g.GetId()])
	}
	fmt.Fprint(ios.ErrOut, "Number: ")
	line, err := bufio.NewReader(ios.In).ReadString('\n')
	if err != nil && line == "" {
		return "", ErrCancel
	}
	n, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || n < 1 || n > len(groups) {
		return "", FlagErrorf("%q is not one of the numbers 1 to %d; run the command again, or pass --parent", strings.TrimSpace(line), len(groups))
	}
	return groups[n-1].GetId(), nil
}

// groupPaths names each group by its path from its organization
// ("example.dev/eng/ci"), as far as the caller can see its ancestors.
func groupPaths(groups []*iamv1.Group) map[string]string {
	names := make(map[string]string, len(groups))
	for _, g := range groups {
		names[g.GetId()] = g.GetName()
	}
	paths := make(map[string]string, len(groups))
	for _, g := range groups {
		path := g.GetName()
		for id := iam.ParentID(g.GetId()); id != iam.RootScope && id != ""; id = iam.ParentID(id) {
			name, ok := names[id]
			if !ok {
				name = "…"
			}
			path = name + "/" + path
		}
		paths[g.GetId()] = path
	}
	return paths
}
