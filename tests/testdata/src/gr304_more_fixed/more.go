package gr304_more_fixed

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

func place(ctx context.Context, db *sql.DB, sku string, qty int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var stock int
	if err := tx.QueryRowContext(ctx, "SELECT stock FROM items WHERE sku = ?", sku).Scan(&stock); err != nil {
		return err
	}
	if stock < qty {
		return errOutOfStock
	}
	if _, err := tx.ExecContext(ctx, "UPDATE items SET stock = stock - ? WHERE sku = ?", qty, sku); err != nil {
		return err
	}
	return tx.Commit()
}

// Committed or rolled back by a deferred closure that reads the named error.
func placeDeferred(db *sql.DB, sku string) (err error) {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
			return
		}
		err = tx.Commit()
	}()
	_, err = tx.Exec("DELETE FROM items WHERE sku = ?", sku)
	return err
}

// Handed to a helper that finishes it.
func placeVia(db *sql.DB, sku string) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	return finish(tx, sku)
}

func finish(tx *sql.Tx, sku string) error {
	if _, err := tx.Exec("DELETE FROM items WHERE sku = ?", sku); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

type prober struct{ hc *http.Client }

func (p *prober) status(url string) (int, error) {
	get := p.hc.Get
	resp, err := get(url)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("status %s", resp.Status)
	}
	return resp.StatusCode, nil
}

func stream(path string, w io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	go func() {
		defer f.Close()
		_, _ = io.Copy(w, f)
	}()
	return nil
}
