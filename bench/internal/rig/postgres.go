package rig

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for creating the schema

	"latch.dev/latch/internal/testutil/pgtest"
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
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		return "", nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	out, _, drop, err := pgtest.NewSchema(ctx, admin, dsn, "latch_bench_")
	if err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("-dsn: %w", err)
	}
	return out, func() error { return errors.Join(drop(), admin.Close()) }, nil
}
