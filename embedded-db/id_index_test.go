package main

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
)

// ferretdbShapedFile makes a database file laid out as FerretDB 1.24 lays one out: its collections
// table, and one collection table with FerretDB's own _id index.
func ferretdbShapedFile(t *testing.T, dir, name string) *sql.DB {
	t.Helper()

	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, name)+"?_pragma=journal_mode(wal)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })

	for _, q := range []string{
		`CREATE TABLE "_ferretdb_collections" (name TEXT NOT NULL UNIQUE, table_name TEXT NOT NULL UNIQUE, settings TEXT NOT NULL)`,
		`CREATE TABLE "requests_1a2b3c4d" (_ferretdb_sjson TEXT NOT NULL) STRICT`,
		`CREATE UNIQUE INDEX "requests_1a2b3c4d__id_" ON "requests_1a2b3c4d" (_ferretdb_sjson->"_id")`,
		`INSERT INTO "_ferretdb_collections" VALUES ('requests', 'requests_1a2b3c4d', '{}')`,
		`INSERT INTO "requests_1a2b3c4d" VALUES ('{"_id":"a"}'), ('{"_id":"b"}')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}

	return db
}

var quietLogger = slog.New(slog.NewTextHandler(io.Discard, nil))

// plan is how SQLite runs FerretDB's lookup by _id.
func plan(t *testing.T, db *sql.DB) string {
	t.Helper()

	rows, err := db.Query(`EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM "requests_1a2b3c4d" WHERE _ferretdb_sjson->'$._id' = ?`, `"a"`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()

	var steps []string

	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		steps = append(steps, detail)
	}

	return strings.Join(steps, "; ")
}

func TestLookupsByIDUseTheAddedIndex(t *testing.T) {
	dir := t.TempDir()
	db := ferretdbShapedFile(t, dir, "relink.sqlite")

	if got := plan(t, db); !strings.HasPrefix(got, "SCAN") {
		t.Fatalf("before: expected FerretDB's own index to be unusable for the lookup, got %q", got)
	}

	x := newIDIndexer(dir, quietLogger)
	x.pass(context.Background())

	// A connection's running statements are prepared again after a schema change; EXPLAIN on a
	// connection that already explained this one may still show the old plan, so a new one asks.
	fresh, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "relink.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()

	if got := plan(t, fresh); !strings.Contains(got, "USING INDEX requests_1a2b3c4d_relink_id_lookup") {
		t.Fatalf("after: expected the lookup to use the added index, got %q", got)
	}

	var doc string
	if err := db.QueryRow(`SELECT _ferretdb_sjson FROM "requests_1a2b3c4d" WHERE _ferretdb_sjson->'$._id' = ?`, `"b"`).Scan(&doc); err != nil || doc != `{"_id":"b"}` {
		t.Fatalf("lookup through the index: %q, %v", doc, err)
	}
}

func TestLeavesFilesThatAreNotFerretDBDatabasesAlone(t *testing.T) {
	dir := t.TempDir()

	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "other.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	if _, err := db.Exec(`CREATE TABLE notes (_ferretdb_sjson TEXT)`); err != nil {
		t.Fatal(err)
	}

	newIDIndexer(dir, quietLogger).pass(context.Background())

	var indexes int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'index'`).Scan(&indexes); err != nil {
		t.Fatal(err)
	}

	if indexes != 0 {
		t.Fatalf("expected no index in a file without FerretDB's collections table, found %d", indexes)
	}
}

func TestIndexesCollectionsCreatedLater(t *testing.T) {
	dir := t.TempDir()
	db := ferretdbShapedFile(t, dir, "relink.sqlite")
	x := newIDIndexer(dir, quietLogger)
	x.pass(context.Background())

	for _, q := range []string{
		`CREATE TABLE "notices_5e6f7a8b" (_ferretdb_sjson TEXT NOT NULL) STRICT`,
		`INSERT INTO "_ferretdb_collections" VALUES ('notices', 'notices_5e6f7a8b', '{}')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}

	x.pass(context.Background())

	var found int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'notices_5e6f7a8b_relink_id_lookup'`).Scan(&found); err != nil {
		t.Fatal(err)
	}

	if found != 1 {
		t.Fatal("expected the collection created after the first pass to be indexed by the next")
	}
}
