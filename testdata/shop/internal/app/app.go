// Package app wires the shop's services together. The shop binary and the
// HTTP-level tests build the shop the same way, through New.
package app

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"example.com/shop/api"
	"example.com/shop/cart"
	"example.com/shop/catalog"
	"example.com/shop/clock"
	"example.com/shop/ids"
	"example.com/shop/inventory"
	"example.com/shop/money"
	"example.com/shop/notifications"
	"example.com/shop/orders"
	"example.com/shop/payments"
	"example.com/shop/shipping"
	"example.com/shop/users"
)

// Config configures the shop. The zero value is a working production
// configuration with admin endpoints disabled.
type Config struct {
	// AdminKey unlocks the admin API; empty disables it.
	AdminKey string
	// StaffEmail receives low-stock alerts.
	StaffEmail string
	// Clock and IDs default to the system clock and random identifiers.
	Clock clock.Clock
	IDs   ids.Generator
	// Log defaults to discarding everything.
	Log *slog.Logger
	// Mailer defaults to logging mail.
	Mailer notifications.Mailer
	// PaymentLimit is the largest single payment; payments.DefaultLimit by default.
	PaymentLimit money.Money
	// LowStock is the stock level at or below which staff are alerted.
	LowStock int
	// DispatchInterval is how often pending shipments go out.
	DispatchInterval time.Duration
	// ReminderInterval is how often abandoned carts are looked for, and
	// CartIdle how long a cart must be left alone to count as abandoned.
	ReminderInterval time.Duration
	CartIdle         time.Duration
	// HashIterations sets the password hash cost; 0 keeps the users default.
	HashIterations int
}

func (c Config) withDefaults() Config {
	if c.StaffEmail == "" {
		c.StaffEmail = "staff@shop.example"
	}
	if c.Clock == nil {
		c.Clock = clock.System{}
	}
	if c.IDs == nil {
		c.IDs = ids.Random{}
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.Mailer == nil {
		c.Mailer = notifications.LogMailer{Log: c.Log}
	}
	if c.PaymentLimit.IsZero() {
		c.PaymentLimit = payments.DefaultLimit
	}
	if c.LowStock == 0 {
		c.LowStock = 3
	}
	if c.DispatchInterval == 0 {
		c.DispatchInterval = time.Minute
	}
	if c.ReminderInterval == 0 {
		c.ReminderInterval = 10 * time.Minute
	}
	if c.CartIdle == 0 {
		c.CartIdle = 24 * time.Hour
	}
	return c
}

// App is the wired shop: its services, background workers and HTTP API.
type App struct {
	Users         *users.Service
	Catalog       *catalog.Service
	Stock         *inventory.Service
	Carts         *cart.Service
	Orders        *orders.Service
	Payments      *payments.Service
	Shipping      *shipping.Service
	Notifications *notifications.Service

	Dispatcher *shipping.Dispatcher
	Reminder   *cart.Reminder

	handler http.Handler
}

// New builds the shop with in-memory storage.
func New(cfg Config) *App {
	cfg = cfg.withDefaults()
	clk, gen, log := cfg.Clock, cfg.IDs, cfg.Log

	var userOpts []users.Option
	if cfg.HashIterations > 0 {
		userOpts = append(userOpts, users.WithHashIterations(cfg.HashIterations))
	}
	a := &App{}
	a.Users = users.NewService(users.NewMemoryStore(), clk, gen, userOpts...)
	a.Notifications = notifications.NewService(a.Users, cfg.Mailer, notifications.NewMemoryStore(), clk, gen, log, cfg.StaffEmail)
	a.Catalog = catalog.NewService(catalog.NewMemoryStore(), clk, gen, money.EUR)
	a.Stock = inventory.NewService(inventory.NewMemoryStore(), clk, gen, a.Notifications, cfg.LowStock)
	a.Carts = cart.NewService(cart.NewMemoryStore(), a.Catalog, a.Stock, clk)
	a.Payments = payments.NewService(payments.NewMemoryStore(), clk, gen, cfg.PaymentLimit)
	a.Shipping = shipping.NewService(shipping.NewMemoryStore(), clk, gen)
	a.Orders = orders.NewService(orders.NewMemoryStore(), orders.Deps{
		Carts:    a.Carts,
		Catalog:  a.Catalog,
		Stock:    a.Stock,
		Users:    a.Users,
		Payer:    a.Payments,
		Shipper:  a.Shipping,
		Notifier: a.Notifications,
		Clock:    clk,
		IDs:      gen,
		Log:      log,
	})
	a.Shipping.Subscribe(a.Orders)
	a.Shipping.Subscribe(a.Notifications)

	a.Dispatcher = shipping.NewDispatcher(a.Shipping, cfg.DispatchInterval, log)
	a.Reminder = cart.NewReminder(a.Carts, a.Notifications, cfg.CartIdle, cfg.ReminderInterval, log)

	a.handler = api.New(api.Deps{
		Users:         a.Users,
		Catalog:       a.Catalog,
		Stock:         a.Stock,
		Carts:         a.Carts,
		Orders:        a.Orders,
		Payments:      a.Payments,
		Shipping:      a.Shipping,
		Notifications: a.Notifications,
		Reminder:      a.Reminder,
		AdminKey:      cfg.AdminKey,
		Log:           log,
	}).Handler()
	return a
}

// Handler returns the shop's HTTP API.
func (a *App) Handler() http.Handler { return a.handler }

// Start starts the background workers; they stop with ctx or Stop.
func (a *App) Start(ctx context.Context) {
	a.Dispatcher.Start(ctx)
	a.Reminder.Start(ctx)
}

// Stop stops the background workers and waits for them.
func (a *App) Stop() {
	a.Dispatcher.Stop()
	a.Reminder.Stop()
}
