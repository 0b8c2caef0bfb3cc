package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"time"
)

// maxGroup bounds how many statements share one transaction, so that one
// commit never holds the write lock for long.
const maxGroup = 256

// maxLinger is how long the committer waits for more statements when
// the last group had company, so that concurrent writers share commits.
const maxLinger = 500 * time.Microsecond

// errClosed answers writes that arrive after Close.
var errClosed = errors.New("storage: the store is closed")

// groupCommit runs the single-statement writes of concurrent callers
// (Store.exec outside a transaction) together, in one SQLite transaction
// per group.
//
// Why: a token exchange writes two rows (the replay claim and the audit
// event; the identity's last-use time at most once a minute). As
// transactions of their own, each pays for a BEGIN and a COMMIT and
// appends every page it touched to the WAL, and the one write connection
// runs them one after another anyway. While one transaction commits, the
// next writers queue; the committer then takes everyone queued at once, so
// under load the cost of a commit is shared and a page touched by many
// statements is written once.
//
// Durability is unchanged: exec returns only after the transaction that
// holds its statement has committed, so nothing a caller saw succeed can
// be lost, and a caller whose transaction failed sees the error.
//
// Callers stay independent. A statement that breaks a constraint is
// undone by SQLite alone (a statement rollback) and the others go on. Any
// other failure rolls the transaction back; its caller gets the error and
// the rest run again in a new transaction. A caller whose context ended
// while it queued is not run. The statements run on a context of their
// own, because cancelling a statement inside a transaction can make
// SQLite roll back the whole transaction, everyone else's statements
// included.
type groupCommit struct {
	db    *sql.DB
	stmts *stmtCache
	// isolated reports whether an error left the transaction usable: a
	// constraint violation, which SQLite undid by itself.
	isolated func(error) bool
	// committed is called after each commit (to schedule a checkpoint).
	committed func()

	// mu guards closed and sending on queue: Close takes it exclusively
	// before closing queue, so no send can race the close.
	mu     sync.RWMutex
	closed bool
	queue  chan *pendingExec
	done   chan struct{}
}

// pendingExec is one caller's statement and, once done is closed, its
// outcome.
type pendingExec struct {
	ctx   context.Context
	query string
	args  []any
	res   sql.Result
	err   error
	done  chan struct{}
}

func (p *pendingExec) finish(res sql.Result, err error) {
	p.res, p.err = res, err
	close(p.done)
}

func newGroupCommit(db *sql.DB, stmts *stmtCache, isolated func(error) bool, committed func()) *groupCommit {
	g := &groupCommit{
		db: db, stmts: stmts, isolated: isolated, committed: committed,
		queue: make(chan *pendingExec, maxGroup),
		done:  make(chan struct{}),
	}
	go g.run()
	return g
}

// exec queues a statement and waits until its transaction committed.
func (g *groupCommit) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	p := &pendingExec{ctx: ctx, query: query, args: args, done: make(chan struct{})}
	g.mu.RLock()
	if g.closed {
		g.mu.RUnlock()
		return nil, errClosed
	}
	select {
	case g.queue <- p:
		g.mu.RUnlock()
	case <-ctx.Done():
		g.mu.RUnlock()
		return nil, ctx.Err()
	}
	select {
	case <-p.done:
		return p.res, p.err
	case <-ctx.Done():
		// The statement may still run and commit; the caller was not told
		// it did, which is all durability promises.
		return nil, ctx.Err()
	}
}

// close stops taking statements, runs those already queued, waits for
// the committer to finish and closes its prepared statements.
func (g *groupCommit) close() {
	g.mu.Lock()
	if !g.closed {
		g.closed = true
		close(g.queue)
	}
	g.mu.Unlock()
	<-g.done
	g.stmts.close()
}

// run takes whatever is queued, up to maxGroup, and commits it as one
// transaction, until the queue is closed and empty. When the last group
// had company, it lingers up to maxLinger for more: writers are then
// arriving together, and waiting a fraction of a millisecond lets several
// share a commit. A lone writer never waits.
func (g *groupCommit) run() {
	defer close(g.done)
	timer := time.NewTimer(maxLinger)
	timer.Stop()
	last := 0
	for first := range g.queue {
		group := g.gather(first, timer, last > 1)
		last = len(group)
		for len(group) > 0 {
			group = g.commit(group)
		}
	}
}

// gather returns first and what is queued behind it: everything already
// waiting and, when linger is set, what arrives within maxLinger.
func (g *groupCommit) gather(first *pendingExec, timer *time.Timer, linger bool) []*pendingExec {
	group := []*pendingExec{first}
	var expired <-chan time.Time // nil: take only what is waiting
	if linger {
		timer.Reset(maxLinger)
		defer timer.Stop() // since Go 1.23 no stale tick is left to drain
		expired = timer.C
	}
	for len(group) < maxGroup {
		var p *pendingExec
		ok := true
		if expired != nil {
			select {
			case p, ok = <-g.queue:
			case <-expired:
				return group
			}
		} else {
			select {
			case p, ok = <-g.queue:
			default:
				return group
			}
		}
		if !ok {
			return group
		}
		group = append(group, p)
	}
	return group
}

// commit runs group in one transaction and reports each outcome. It
// returns the statements to run again when one of them failed in a way
// that spoilt the transaction.
func (g *groupCommit) commit(group []*pendingExec) []*pendingExec {
	live := make([]*pendingExec, 0, len(group))
	for _, p := range group {
		if err := p.ctx.Err(); err != nil {
			p.finish(nil, err)
			continue
		}
		live = append(live, p)
	}
	if len(live) == 0 {
		return nil
	}
	ctx := context.WithoutCancel(live[0].ctx)
	// Prepare before the transaction takes the one write connection:
	// preparing needs a connection too.
	for _, p := range live {
		g.stmts.stmt(ctx, p.query)
	}
	tx, err := g.db.BeginTx(ctx, nil)
	if err != nil {
		for _, p := range live {
			p.finish(nil, err)
		}
		return nil
	}
	results := make([]sql.Result, len(live))
	errs := make([]error, len(live))
	ran := make([]bool, len(live))
	for i, p := range live {
		// The caller may have given up while the transaction waited for
		// the write lock: then its statement is not run at all.
		if err := p.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		res, err := g.execIn(ctx, tx, p)
		if err != nil && !g.isolated(err) {
			_ = tx.Rollback()
			p.finish(nil, err)
			return append(live[:i:i], live[i+1:]...)
		}
		results[i], errs[i], ran[i] = res, err, true
	}
	if err := tx.Commit(); err != nil {
		for i := range live {
			if ran[i] {
				errs[i] = err
			}
		}
	} else {
		g.committed()
	}
	for i, p := range live {
		p.finish(results[i], errs[i])
	}
	return nil
}

// execIn runs one statement in tx, prepared when the cache has it.
func (g *groupCommit) execIn(ctx context.Context, tx *sql.Tx, p *pendingExec) (sql.Result, error) {
	if st := g.stmts.cached(p.query); st != nil {
		return tx.StmtContext(ctx, st).ExecContext(ctx, p.args...)
	}
	return tx.ExecContext(ctx, p.query, p.args...)
}
