package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the SQLite driver FerretDB itself uses
)

// FerretDB 1.24 finds a document by `_ferretdb_sjson->'$._id' = ?` (every find, update and delete by
// _id), but the index it creates for _id is on `_ferretdb_sjson->"_id"`. SQLite uses an expression
// index only for the same expression, so each of those statements scans its whole table: a lookup
// costs more as the collection grows. relink-db adds, next to FerretDB's, an index on the expression
// those statements use, to every collection table as it appears. FerretDB never lists it (its indexes
// come from its own metadata), and dropping a collection drops its table with the index.

// idLookupIndexSuffix names the added index after its table, as FerretDB names its own.
const idLookupIndexSuffix = "_relink_id_lookup"

// idIndexer adds the _id lookup index to the collection tables of every database file under dir.
type idIndexer struct {
	dir    string
	logger *slog.Logger
	// seen holds each file's modification stamp when it was last indexed: unchanged files are skipped.
	seen map[string]string
}

func newIDIndexer(dir string, logger *slog.Logger) *idIndexer {
	return &idIndexer{dir: dir, logger: logger, seen: map[string]string{}}
}

// run indexes at once, then every interval until ctx ends. A collection created in between is
// scanned in full until the next pass, which is at most one interval.
func (x *idIndexer) run(ctx context.Context, interval time.Duration) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()

	for {
		x.pass(ctx)

		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// pass looks at each database file that changed since it was last indexed.
func (x *idIndexer) pass(ctx context.Context) {
	files, err := filepath.Glob(filepath.Join(x.dir, "*.sqlite"))
	if err != nil {
		return
	}

	present := make(map[string]bool, len(files))

	for _, file := range files {
		present[file] = true

		stamp, ok := modificationStamp(file)
		if !ok || x.seen[file] == stamp {
			continue
		}

		if err := indexFile(ctx, file); err != nil {
			// A database dropped or busy meanwhile: the next pass tries again.
			x.logger.Debug("relink-db: _id lookup index not added", "file", filepath.Base(file), "error", err)
			continue
		}

		x.seen[file] = stamp
	}

	for file := range x.seen {
		if !present[file] {
			delete(x.seen, file)
		}
	}
}

// modificationStamp changes whenever the database or its write-ahead log is written.
func modificationStamp(file string) (string, bool) {
	main, err := os.Stat(file)
	if err != nil {
		return "", false
	}

	stamp := fmt.Sprintf("%d:%d", main.ModTime().UnixNano(), main.Size())
	if wal, err := os.Stat(file + "-wal"); err == nil {
		stamp += fmt.Sprintf("/%d:%d", wal.ModTime().UnixNano(), wal.Size())
	}

	return stamp, true
}

// indexFile adds the missing _id lookup indexes of one database file.
func indexFile(ctx context.Context, file string) error {
	// mode=rw: a file dropped since the glob is not created again.
	db, err := sql.Open("sqlite", "file:"+file+"?mode=rw&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()

	tables, err := tablesWithoutIDLookupIndex(ctx, db)
	if err != nil {
		return err
	}

	for _, table := range tables {
		q := fmt.Sprintf(
			`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`,
			table+idLookupIndexSuffix,
			table,
		)
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", table, err)
		}
	}

	return nil
}

// tablesWithoutIDLookupIndex lists FerretDB's collection tables that lack the index.
func tablesWithoutIDLookupIndex(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT type, name, tbl_name FROM sqlite_master`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	collections := false
	tables := map[string]bool{}
	indexed := map[string]bool{}

	for rows.Next() {
		var kind, name, table string
		if err := rows.Scan(&kind, &name, &table); err != nil {
			return nil, err
		}

		switch {
		case kind == "table" && name == "_ferretdb_collections":
			collections = true
		case kind == "table" && !strings.HasPrefix(name, "_ferretdb_") && !strings.HasPrefix(name, "sqlite_"):
			tables[name] = true
		case kind == "index" && name == table+idLookupIndexSuffix:
			indexed[table] = true
		}
	}

	if err := rows.Err(); err != nil {
		return nil, err
	}

	// Not a FerretDB database (yet): leave it alone.
	if !collections {
		return nil, nil
	}

	var missing []string

	for table := range tables {
		if !indexed[table] {
			missing = append(missing, table)
		}
	}

	return missing, nil
}
