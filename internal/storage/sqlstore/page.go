package sqlstore

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
)

// args collects query arguments and hands out their $N placeholders, so
// that conditions can be added in any order.
type args struct {
	conds []string
	vals  []any
}

// add returns the placeholder of a new argument.
func (a *args) add(v any) string {
	a.vals = append(a.vals, v)
	return "$" + strconv.Itoa(len(a.vals))
}

// where adds a condition; all conditions must hold.
func (a *args) where(cond string) { a.conds = append(a.conds, cond) }

// in returns a placeholder list for vals: "$3, $4, $5".
func (a *args) in(vals []string) string {
	ph := make([]string, len(vals))
	for i, v := range vals {
		ph[i] = a.add(v)
	}
	return strings.Join(ph, ", ")
}

// clause is " WHERE c1 AND c2 …", or "" without conditions.
func (a *args) clause() string {
	if len(a.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(a.conds, " AND ")
}

// below is the condition "col lies strictly below group g": its value
// starts with g + "/". On a bytewise-ordered column that is the range
// [g/, g0), since '0' is the byte after '/'; a range uses the index where
// LIKE could not (and SQLite's LIKE ignores case besides).
func (a *args) below(col, g string) string {
	return "(" + col + " > " + a.add(g+"/") + " AND " + col + " < " + a.add(g+"0") + ")"
}

// atOrBelow is "col is g or lies below it": the range [g, g0). Nothing
// else falls in it, because a UIDP that starts with g and is longer goes
// on with '/', and no UIDP character sorts between g's end and '/'. One
// range keeps the scan in index order, where "col = g OR below" would
// need two scans and a sort.
func (a *args) atOrBelow(col, g string) string {
	return "(" + col + " >= " + a.add(g) + " AND " + col + " < " + a.add(g+"0") + ")"
}

// cursor is the position a page token encodes: the last item returned.
// It is opaque to clients (base64 of JSON) so that its form can change.
type cursor struct {
	ID   string `json:"i"`
	Time int64  `json:"t,omitempty"` // events: Unix microseconds
}

func (c cursor) token() string {
	b, _ := json.Marshal(c) // a struct of a string and an int cannot fail
	return base64.RawURLEncoding.EncodeToString(b)
}

func parseToken(tok string) (cursor, error) {
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.ID == "" {
		return cursor{}, errs.Invalidf("page_token", "is not a page token from this server; pass back Next from the previous page unchanged")
	}
	return c, nil
}

// pageSize applies the storage package's defaults and cap.
func pageSize(n int) (int, error) {
	switch {
	case n < 0:
		return 0, errs.Invalidf("page_size", "is %d; give a positive number (at most %d) or 0 for the default", n, storage.MaxPageSize)
	case n == 0:
		return storage.DefaultPageSize, nil
	}
	return min(n, storage.MaxPageSize), nil
}

// scope checks a group given as a filter: RootScope or a well-formed ID.
func scope(field, id string) error {
	if id != iam.RootScope && !iam.ValidID(id) {
		return errs.Invalidf(field, "%q is neither a group ID nor %q", id, iam.RootScope)
	}
	return nil
}

// listing describes one kind of object for list: which table, and which
// storage.Filter fields mean something for it.
type listing struct {
	noun    string // for messages: "group"
	table   string
	columns string
	// group: Within includes the group itself, and AncestorsOf means the
	// groups that contain the ID. Otherwise AncestorsOf means "objects
	// whose parent is the ID or contains it" (what applies there).
	group bool
	// name: Filter.Name applies (not to role bindings, which have none).
	name bool
	// ancestors: Filter.AncestorsOf applies (not to identities).
	ancestors bool
	// binding: Filter.Identity and Filter.Role apply.
	binding bool
	// issuer: Filter.Issuer applies (identities).
	issuer bool
}

// filter turns f into conditions on a. Fields that do not apply to the
// kind are refused rather than ignored, so a caller's mistake cannot widen
// a listing silently.
func (l listing) filter(a *args, f storage.Filter) error {
	notFor := func(field string) error {
		return errs.Invalidf(field, "does not apply to %s listings", l.noun)
	}
	if len(f.IDs) > 0 {
		if len(f.IDs) > storage.MaxPageSize {
			return errs.Invalidf("ids", "lists %d IDs; at most %d fit in one request", len(f.IDs), storage.MaxPageSize)
		}
		for _, id := range f.IDs {
			if !iam.ValidID(id) {
				return invalidID("ids", id)
			}
		}
		a.where("id IN (" + a.in(f.IDs) + ")")
	}
	if f.Name != "" {
		if !l.name {
			return notFor("name")
		}
		a.where("name = " + a.add(f.Name))
	}
	if f.Parent != "" {
		if err := scope("parent", f.Parent); err != nil {
			return err
		}
		if f.Parent == iam.RootScope {
			a.where("parent_id IS NULL")
		} else {
			a.where("parent_id = " + a.add(f.Parent))
		}
	}
	if f.Within != "" && f.Within != iam.RootScope {
		if err := scope("within", f.Within); err != nil {
			return err
		}
		if l.group {
			a.where(a.atOrBelow("id", f.Within))
		} else {
			a.where(a.below("id", f.Within))
		}
	}
	if f.AncestorsOf != "" {
		if !l.ancestors {
			return notFor("ancestors_of")
		}
		if err := scope("ancestors_of", f.AncestorsOf); err != nil {
			return err
		}
		var ids []string
		if f.AncestorsOf != iam.RootScope {
			ids = iam.AncestorIDs(f.AncestorsOf)
			if !l.group {
				ids = append(ids, f.AncestorsOf)
			}
		}
		switch {
		case l.group && len(ids) == 0:
			a.where("1 = 0") // an organization, or the root, has no ancestors
		case l.group:
			a.where("id IN (" + a.in(ids) + ")")
		case len(ids) == 0:
			a.where("parent_id IS NULL")
		default:
			a.where("(parent_id IS NULL OR parent_id IN (" + a.in(ids) + "))")
		}
	}
	if f.Identity != "" {
		if !l.binding {
			return notFor("identity")
		}
		if !iam.ValidID(f.Identity) {
			return invalidID("identity", f.Identity)
		}
		a.where("identity_id = " + a.add(f.Identity))
	}
	if f.Role != "" {
		if !l.binding {
			return notFor("role")
		}
		if !iam.ValidID(f.Role) {
			return invalidID("role", f.Role)
		}
		a.where("role_id = " + a.add(f.Role))
	}
	if f.Issuer != "" {
		if !l.issuer {
			return notFor("issuer")
		}
		a.where("match_issuer IN (" + a.add(f.Issuer) + ", " + a.add(patternIssuer) + ")")
	}
	return nil
}

// list returns one page of l's objects, ordered by ID. Pages are keyset
// pages (id > last ID of the previous page), so an object appears once
// however many objects are added or removed between pages, and every page
// costs one index range scan however deep into the listing it is.
func list[T any](ctx context.Context, s *Store, l listing, f storage.Filter, scan func(scanner) (T, error), idOf func(T) string) (storage.Page[T], error) {
	var a args
	if err := l.filter(&a, f); err != nil {
		return storage.Page[T]{}, err
	}
	size, err := pageSize(f.PageSize)
	if err != nil {
		return storage.Page[T]{}, err
	}
	if f.PageToken != "" {
		c, err := parseToken(f.PageToken)
		if err != nil {
			return storage.Page[T]{}, err
		}
		a.where("id > " + a.add(c.ID))
	}
	// One row more than the page tells whether there is a next page.
	q := "SELECT " + l.columns + " FROM " + l.table + a.clause() + " ORDER BY id LIMIT " + a.add(size+1)
	rows, err := s.reader().QueryContext(ctx, q, a.vals...)
	if err != nil {
		return storage.Page[T]{}, s.db.fail(ctx, "list "+l.table, err)
	}
	defer rows.Close()
	var page storage.Page[T]
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return storage.Page[T]{}, s.db.fail(ctx, "list "+l.table, err)
		}
		page.Items = append(page.Items, v)
	}
	if err := rows.Err(); err != nil {
		return storage.Page[T]{}, s.db.fail(ctx, "list "+l.table, err)
	}
	if len(page.Items) > size {
		page.Items = page.Items[:size]
		page.Next = cursor{ID: idOf(page.Items[size-1])}.token()
	}
	return page, nil
}
