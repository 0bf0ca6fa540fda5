// Command relink-db runs FerretDB 1.24 (MongoDB wire protocol over SQLite) for relink's
// embedded database. It is built from this folder's go.mod on first use; see scripts/embedded-db.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	dir := flag.String("dir", "", "directory that holds the SQLite files (created if missing)")
	watchStdin := flag.Bool("exit-with-stdin", false, "stop when standard input closes (the parent process died)")
	verbose := flag.Bool("verbose", false, "log every connection (FerretDB logs at info level)")
	flag.Parse()

	if *dir == "" {
		fmt.Fprintln(os.Stderr, "relink-db: -dir is required")
		os.Exit(2)
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		fmt.Fprintf(os.Stderr, "relink-db: cannot create %s: %v\n", *dir, err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	// relink holds our stdin open; if relink dies without a chance to signal us (SIGKILL, crash),
	// the pipe closes and we stop instead of lingering as an orphan holding the port and files.
	if *watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	// FerretDB logs each connection and each unsupported command at info/warn level; relink only
	// needs errors unless someone is debugging the database itself.
	level := slog.LevelError
	if *verbose {
		level = slog.LevelInfo
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	// synchronous(normal) in WAL mode: a commit is durable once in the OS (a crash of this process or of
	// relink loses nothing), and fsynced at each checkpoint rather than at every commit, which doubles
	// write throughput. A power loss may undo the last commits before a checkpoint, as MongoDB's default
	// write concern (acknowledged before its journal is flushed, every 100 ms) may.
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + *dir + "/?_pragma=synchronous(normal)",
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "relink-db: %v\n", err)
		os.Exit(1)
	}

	// Every find, update and delete by _id uses an index (see id_index.go).
	go newIDIndexer(*dir, logger).run(ctx, time.Second)

	// Run returns when ctx is cancelled (SIGINT/SIGTERM from relink on shutdown).
	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		fmt.Fprintf(os.Stderr, "relink-db: %v\n", err)
		os.Exit(1)
	}
}
