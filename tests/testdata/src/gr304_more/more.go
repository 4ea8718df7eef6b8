package gr304_more

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
)

var errOutOfStock = errors.New("out of stock")

// A transaction neither rolled back nor committed on the early returns.
func place(ctx context.Context, db *sql.DB, sku string, qty int) error {
	tx, err := db.BeginTx(ctx, nil) // want "GR304"
	if err != nil {
		return err
	}
	var stock int
	if err := tx.QueryRowContext(ctx, "SELECT stock FROM items WHERE sku = ?", sku).Scan(&stock); err != nil {
		return err
	}
	if stock < qty {
		return errOutOfStock
	}
	if _, err := tx.ExecContext(ctx, "UPDATE items SET stock = stock - ? WHERE sku = ?", qty, sku); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// A response from a method value bound to a local.
type prober struct{ hc *http.Client }

func (p *prober) status(url string) (int, error) {
	get := p.hc.Get
	resp, err := get(url) // want "GR304"
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("status %s", resp.Status)
	}
	defer resp.Body.Close()
	return resp.StatusCode, nil
}

// A file used only by a goroutine that never closes it.
func stream(path string, w io.Writer) error {
	f, err := os.Open(path) // want "GR304"
	if err != nil {
		return err
	}
	go func() {
		_, _ = io.Copy(w, f)
	}()
	return nil
}
