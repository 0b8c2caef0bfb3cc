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

// freshSchema creates a schema with a random name in the database dsn
// names, arranges for Close to drop it, and returns dsn pointed at it, so
// runs never see each other's data.
func (r *Rig) freshSchema(ctx context.Context, dsn string) (string, error) {
	if dsn == "" {
		return "", fmt.Errorf("-db postgres needs -dsn postgres://…")
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "", fmt.Errorf("-dsn: %w", err)
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		return "", fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		admin.Close()
		return "", err
	}
	schema := "latch_bench_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return "", fmt.Errorf("create schema: %w", err)
	}
	r.closers = append(r.closers, func() error {
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			return fmt.Errorf("drop schema %s: %w", schema, err)
		}
		return nil
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}
