package sqlstore

import (
	"encoding/json"
	"fmt"
	"time"

	"latch.dev/latch/internal/iam"
)

// timeDest scans a time column of either dialect: SQLite stores
// microseconds since the epoch (int64), PostgreSQL a timestamptz
// (time.Time); NULL is the zero time. Times come back in UTC.
func timeDest(t *time.Time) scanFunc {
	return func(src any) error {
		switch v := src.(type) {
		case nil:
			*t = time.Time{}
		case int64:
			*t = time.UnixMicro(v).UTC()
		case time.Time:
			*t = v.UTC()
		default:
			return fmt.Errorf("time column holds %T", src)
		}
		return nil
	}
}

// jsonDest scans a JSON text column into v.
func jsonDest(v any) scanFunc {
	return func(src any) error {
		var b []byte
		switch s := src.(type) {
		case string:
			b = []byte(s)
		case []byte:
			b = s
		default:
			return fmt.Errorf("JSON column holds %T", src)
		}
		return json.Unmarshal(b, v)
	}
}

// scanFunc adapts a function to sql.Scanner.
type scanFunc func(src any) error

// Scan implements sql.Scanner.
func (f scanFunc) Scan(src any) error { return f(src) }

// jsonArg encodes v as JSON text for a column. Values are the store's own
// types, so an error here is a bug.
func jsonArg(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("storage: encode %T as JSON: %w", v, err)
	}
	return string(b), nil
}

// parentArg is the parent_id of the object with this ID: NULL for objects
// at the root (iam.RootScope has no row to refer to).
func parentArg(id string) any {
	if p := iam.ParentID(id); p != iam.RootScope {
		return p
	}
	return nil
}

// parentDest scans a parent_id column, giving iam.RootScope for NULL.
func parentDest(p *string) scanFunc {
	return func(src any) error {
		switch v := src.(type) {
		case nil:
			*p = iam.RootScope
		case string:
			*p = v
		case []byte:
			*p = string(v)
		default:
			return fmt.Errorf("parent column holds %T", src)
		}
		return nil
	}
}

// micro truncates t to the precision both databases keep.
func micro(t time.Time) time.Time { return t.Truncate(time.Microsecond) }
