package sqlstore

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Collectors reports the connection pools' statistics (the go_sql_*
// metrics, labelled db_name="read" and "write" on SQLite, "main" on
// PostgreSQL where both are one pool). Operators size pools and
// PostgreSQL's max_connections from them, and the reliability suite tells
// a pool that grew to its bound from a leak of open files.
func (s *Store) Collectors() []prometheus.Collector {
	if s.db.write == s.db.read {
		return []prometheus.Collector{collectors.NewDBStatsCollector(s.db.read, "main")}
	}
	return []prometheus.Collector{
		collectors.NewDBStatsCollector(s.db.read, "read"),
		collectors.NewDBStatsCollector(s.db.write, "write"),
	}
}
