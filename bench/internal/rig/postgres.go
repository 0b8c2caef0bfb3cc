package rig

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for creating the schema
)

// freshSchema creates a schema of its own for the rig; Close drops it.
func (r *Rig) freshSchema(ctx context.Context, dsn string) (string, error) {
	out, drop, err := FreshSchema(ctx, dsn)
	if err != nil {
		return "", err
	}
	r.closers = append(r.closers, drop)
	return out, nil
}

// FreshSchema creates a schema with a random name in the database dsn
// names and returns dsn pointed at it, so runs never see each other's
// data, and a function that drops the schema.
func FreshSchema(ctx context.Context, dsn string) (string, func() error, error) {
	if dsn == "" {
		return "", nil, fmt.Errorf("-db postgres needs -dsn postgres://…")
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "", nil, fmt.Errorf("-dsn: %w", err)
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		return "", nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		admin.Close()
		return "", nil, err
	}
	schema := "latch_bench_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create schema: %w", err)
	}
	drop := func() error {
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			return fmt.Errorf("drop schema %s: %w", schema, err)
		}
		return nil
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), drop, nil
}
