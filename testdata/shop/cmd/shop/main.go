// Command shop serves the online shop's HTTP API.
//
// Usage:
//
//	shop [-addr host:port] [-admin-key key] [-demo] [-deterministic]
//
// The listen address defaults to $SHOP_ADDR, else 127.0.0.1:8080, and the
// admin key to $SHOP_ADMIN_KEY. With -demo the catalog starts with a few
// products in stock. With -deterministic identifiers are sequential and the
// clock stands still at 2026-01-01T00:00:00Z, so that two runs given the
// same requests give the same answers. The shop stops gracefully on
// SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"example.com/shop/clock"
	"example.com/shop/ids"
	"example.com/shop/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run serves the shop until ctx is done and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("shop", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", envOr("SHOP_ADDR", "127.0.0.1:8080"), "listen `address`")
	adminKey := fs.String("admin-key", os.Getenv("SHOP_ADMIN_KEY"), "`key` for the admin API (empty: admin API off)")
	demo := fs.Bool("demo", false, "start with the demo catalog")
	deterministic := fs.Bool("deterministic", false, "sequential IDs and a stopped clock, for reproducible runs")
	dispatch := fs.Duration("dispatch-interval", time.Minute, "how often pending shipments are dispatched")
	remind := fs.Duration("reminder-interval", 10*time.Minute, "how often abandoned carts are looked for")
	verbose := fs.Bool("v", false, "log every request")
	if err := fs.Parse(args); err != nil {
		return 2
	}

	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	cfg := app.Config{
		AdminKey:         *adminKey,
		Log:              log,
		DispatchInterval: *dispatch,
		ReminderInterval: *remind,
	}
	if *deterministic {
		cfg.Clock = clock.NewManual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		cfg.IDs = ids.NewSequence()
	}
	if err := serve(ctx, cfg, *addr, *demo, stdout, log); err != nil {
		fmt.Fprintf(stderr, "shop: %v\n", err)
		return 1
	}
	return 0
}

func serve(ctx context.Context, cfg app.Config, addr string, demo bool, stdout io.Writer, log *slog.Logger) error {
	shop := app.New(cfg)
	if demo {
		if err := shop.Seed(ctx); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           shop.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	shop.Start(ctx)
	defer shop.Stop()

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "shop: listening on http://%s\n", ln.Addr())

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
