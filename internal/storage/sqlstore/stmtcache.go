package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStmts bounds a statement cache. The store's statements are a
// fixed set, plus listings whose shape depends on the filter; past the
// bound a statement simply runs unprepared.
const maxCachedStmts = 256

// stmtCache prepares each distinct statement once per pool and reuses
// it: database/sql then keeps one prepared copy per connection. SQLite
// (modernc.org/sqlite) compiles the SQL of every statement that is not
// prepared, and for the few-row statements of a token exchange compiling
// cost as much as running them. PostgreSQL needs no such cache: pgx
// already keeps prepared statements per connection.
type stmtCache struct {
	db *sql.DB
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, m: make(map[string]*sql.Stmt)}
}

var _ querier = (*stmtCache)(nil)

// stmt returns the prepared statement for query, or nil when it cannot
// be cached (the cache is full, or preparing failed: running the query
// unprepared then reports the error). It prepares outside the lock, so a
// slow prepare, which waits for a free connection, holds up nobody else.
func (c *stmtCache) stmt(ctx context.Context, query string) *sql.Stmt {
	c.mu.RLock()
	st, full := c.m[query], len(c.m) >= maxCachedStmts
	c.mu.RUnlock()
	if st != nil || full {
		return st
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev := c.m[query]; prev != nil || len(c.m) >= maxCachedStmts {
		_ = st.Close()
		return prev
	}
	c.m[query] = st
	return st
}

// cached returns the prepared statement for query if there is one,
// without preparing it.
func (c *stmtCache) cached(query string) *sql.Stmt {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[query]
}

// ExecContext implements querier.
func (c *stmtCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := c.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return c.db.ExecContext(ctx, query, args...)
}

// QueryContext implements querier.
func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return c.db.QueryContext(ctx, query, args...)
}

// QueryRowContext implements querier.
func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.db.QueryRowContext(ctx, query, args...)
}

// close releases the prepared statements; the pool is closed separately.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.m {
		_ = st.Close()
		delete(c.m, q)
	}
}
