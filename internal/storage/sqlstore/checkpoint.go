package sqlstore

import (
	"context"
	"database/sql"
	"log/slog"
	"sync/atomic"
	"time"
)

// How the WAL is checkpointed (its pages copied into the database file,
// so that it can start over).
const (
	// checkpointEvery is how often the background checkpoint runs, when
	// anything was written since the last one.
	checkpointEvery = 100 * time.Millisecond
	// fallbackCheckpointPages is the writer's own automatic checkpoint
	// (wal_autocheckpoint), which SQLite runs inside a commit: a safety
	// net for when the background checkpoint cannot keep up. 10,000 pages
	// is a WAL of about 40 MiB.
	fallbackCheckpointPages = 10_000
	// checkpointTimeout bounds one checkpoint.
	checkpointTimeout = 30 * time.Second
)

// checkpointer checkpoints the WAL from a goroutine of its own.
//
// Left to SQLite, the checkpoint runs in whichever commit pushes the WAL
// past 1,000 pages: that commit copies the pages, syncs the database
// file, and every writer queued behind it waits. On a busy server that
// was most of the 99th percentile of a token exchange. A PASSIVE
// checkpoint on another connection copies the same pages without taking
// the write lock, so writers go on meanwhile; SQLite restarts the WAL
// from its beginning at the first write after a checkpoint that caught
// up. It runs on a read-pool connection: query_only forbids changing the
// data, not checkpointing.
type checkpointer struct {
	db    *sql.DB
	log   *slog.Logger
	dirty atomic.Bool
	stop  chan struct{}
	done  chan struct{}
}

func newCheckpointer(db *sql.DB, log *slog.Logger) *checkpointer {
	c := &checkpointer{db: db, log: log, stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c
}

// wrote notes that a transaction committed.
func (c *checkpointer) wrote() { c.dirty.Store(true) }

func (c *checkpointer) run() {
	defer close(c.done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
		if !c.dirty.Swap(false) {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), checkpointTimeout)
		if _, err := c.db.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)"); err != nil {
			c.log.WarnContext(ctx, "storage: background WAL checkpoint failed; the writer checkpoints past the fallback size", "error", err)
		}
		cancel()
	}
}

// close stops the checkpointer; closing the database checkpoints the
// rest.
func (c *checkpointer) close() {
	select {
	case <-c.stop:
	default:
		close(c.stop)
	}
	<-c.done
}
