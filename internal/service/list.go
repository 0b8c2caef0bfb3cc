package service

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
)

// resolveFilter turns group names in f.Parent and f.Within into IDs.
func (s *Service) resolveFilter(ctx context.Context, a *access, f storage.Filter) (storage.Filter, error) {
	var err error
	if f.Parent != "" && f.Parent != iam.RootScope && !iam.ValidID(f.Parent) {
		if f.Parent, err = s.scope(ctx, a, "parent", f.Parent); err != nil {
			return f, err
		}
	}
	if f.Within != "" && f.Within != iam.RootScope && !iam.ValidID(f.Within) {
		if f.Within, err = s.scope(ctx, a, "parent", f.Within); err != nil {
			return f, err
		}
	}
	if f.Within == iam.RootScope {
		f.Within = ""
	}
	return f, nil
}

// listAcross runs a listing once per root the caller may list in (see
// authz.Policy.Roots), restricted to that root, and pages through the
// results root by root. The page token records which root it is in.
func listAcross[T any](roots []string, f storage.Filter, list func(root string, f storage.Filter) (storage.Page[T], error)) (storage.Page[T], error) {
	start, inner, err := decodeAcrossToken(f.PageToken)
	if err != nil {
		return storage.Page[T]{}, err
	}
	want := f.PageSize
	if want <= 0 {
		want = storage.DefaultPageSize
	}
	if want > storage.MaxPageSize {
		want = storage.MaxPageSize
	}
	var out storage.Page[T]
	for i := start; i < len(roots); i++ {
		within, ok := restrict(roots[i], f.Within)
		if !ok {
			inner = ""
			continue
		}
		g := f
		g.Within, g.PageToken, g.PageSize = within, inner, want-len(out.Items)
		page, err := list(roots[i], g)
		if err != nil {
			return storage.Page[T]{}, err
		}
		out.Items = append(out.Items, page.Items...)
		inner = ""
		if page.Next != "" {
			out.Next = encodeAcrossToken(i, page.Next)
			return out, nil
		}
		if len(out.Items) >= want && i+1 < len(roots) {
			out.Next = encodeAcrossToken(i+1, "")
			return out, nil
		}
	}
	return out, nil
}

// restrict combines a caller's root with the requested Within: the deeper
// of the two when one contains the other, nothing when they are apart.
func restrict(root, within string) (string, bool) {
	if root == iam.RootScope {
		return within, true
	}
	switch {
	case within == "":
		return root, true
	case iam.IsWithin(within, root):
		return within, true
	case iam.IsWithin(root, within):
		return root, true
	}
	return "", false
}

func encodeAcrossToken(root int, inner string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(root) + "|" + inner))
}

func decodeAcrossToken(tok string) (int, string, error) {
	if tok == "" {
		return 0, "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, "", errs.Invalidf("page_token", "is not a token this server issued; start the listing again without it")
	}
	n, inner, ok := strings.Cut(string(raw), "|")
	i, err := strconv.Atoi(n)
	if !ok || err != nil || i < 0 {
		return 0, "", errs.Invalidf("page_token", "is not a token this server issued; start the listing again without it")
	}
	return i, inner, nil
}

// notVisible is the error for an object the caller may not see.
func notVisible(what, id string) error {
	return errs.New(errs.NotFound, "%s %s not found", what, id)
}
