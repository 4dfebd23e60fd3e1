package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/devaiops/devai/memory/decisions"
)

// DecisionLog is one repository's decision log in the store: the same
// records, ids, hashes and MACs as the file log, one chain per repository.
// Appends from any number of replicas extend the chain one at a time: each
// locks the chain's head row (SELECT … FOR UPDATE) in its transaction, so
// the chain never forks and has no gaps.
type DecisionLog struct {
	s      *Store
	repo   string
	key    *decisions.Key
	sealer *decisions.Sealer

	queue     chan *pending // appends waiting for the writer
	stop      chan struct{}
	exited    chan struct{} // closed when the writer has stopped
	once      sync.Once     // starts the writer
	closeOnce sync.Once
	wg        sync.WaitGroup
}

// DecisionOptions shape a DecisionLog.
type DecisionOptions struct {
	// KeyFile is the log's MAC key, which every replica must share (a
	// secret file, the same on each). When it is missing and the chain is
	// empty, it is made; when the chain has records, Open refuses.
	KeyFile string
	// ReadOnly opens the log to read and verify only: a missing key is not
	// made (Verify then says it is missing) and Append fails.
	ReadOnly bool
	// Options gives the redactor and the clock of records.
	Options decisions.Options
}

// Decisions opens repo's decision log. repo names the repository in the
// store: replicas serving the same repository must give the same name.
func (s *Store) Decisions(ctx context.Context, repo string, opts DecisionOptions) (*DecisionLog, error) {
	if repo == "" {
		return nil, errors.New("open the decision log in the store: no repository name")
	}
	l := &DecisionLog{s: s, repo: repo, queue: make(chan *pending, maxBatch), stop: make(chan struct{}), exited: make(chan struct{})}
	head, found, err := l.head(ctx)
	if err != nil {
		return nil, err
	}
	if l.key, err = decisions.LoadKey(opts.KeyFile); err != nil {
		return nil, err
	}
	switch {
	case l.key == nil && found && head.Records > 0 && !opts.ReadOnly:
		return nil, fmt.Errorf("%w: %s does not exist, but repository %q's log in %s was written with key %s: copy the key file from a replica that has it (every replica needs the same one), or point --decisions-key-file, DEVAI_DECISIONS_KEY_FILE, at it",
			decisions.ErrKeyMissing, opts.KeyFile, repo, s.where, head.KeyID)
	case l.key == nil && opts.ReadOnly:
		return l, nil
	case l.key == nil:
		if l.key, err = decisions.CreateKey(opts.KeyFile); err != nil {
			return nil, err
		}
	}
	if found && head.KeyID != l.key.ID() {
		return nil, fmt.Errorf("%w: repository %q's log in %s is signed with key %s, and %s holds key %s: every replica needs the same key file",
			decisions.ErrAnchor, repo, s.where, head.KeyID, opts.KeyFile, l.key.ID())
	}
	if found {
		if why := l.key.CheckHead(head); why != "" {
			return nil, fmt.Errorf("%w: repository %q's head in %s: %s (devai decisions verify says more)", decisions.ErrAnchor, repo, s.where, why)
		}
	}
	if l.sealer, err = decisions.NewSealer(l.key, opts.Options); err != nil {
		return nil, err
	}
	return l, nil
}

// Repo is the repository name the log is kept under.
func (l *DecisionLog) Repo() string { return l.repo }

// head reads the chain's head row, if any.
func (l *DecisionLog) head(ctx context.Context) (h decisions.Head, found bool, err error) {
	err = l.s.retry(ctx, "read the decision log's head", func(ctx context.Context) error {
		row := l.s.pool.QueryRow(ctx, "SELECT seq, hash, key_id, mac FROM decision_heads WHERE repo = $1", l.repo)
		err := row.Scan(&h.Records, &h.Hash, &h.KeyID, &h.MAC)
		found = err == nil
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		return err
	})
	return h, found, err
}

// maxBatch bounds the records one transaction appends.
const maxBatch = 256

// pending is one Append waiting for the writer.
type pending struct {
	rec   decisions.Record
	entry uuid.UUID // the append's own id: a retried transaction finds what an earlier try committed
	done  chan error
}

// Append redacts, links, signs and stores one record, and returns once its
// transaction has committed. Appends of one replica commit in groups: the
// writer takes every append waiting and writes them in one transaction
// (one lock of the head, one commit), so concurrent sessions share a
// commit's WAL flush instead of queueing on the head row one flush each.
// While the server cannot be reached the writer retries (Options.RetryFor);
// a transaction whose commit was sent but not acknowledged is told apart
// by the appends' ids, so a record is never written twice.
func (l *DecisionLog) Append(ctx context.Context, e decisions.Entry) (decisions.Record, error) {
	if err := ctx.Err(); err != nil {
		return decisions.Record{}, err
	}
	if l.sealer == nil {
		return decisions.Record{}, errors.New("append to the decision log: it was opened to read only")
	}
	built, err := l.sealer.Build(e)
	if err != nil {
		return decisions.Record{}, err
	}
	p := &pending{rec: built, entry: uuid.New(), done: make(chan error, 1)}
	l.startWriter()
	select {
	case l.queue <- p:
	case <-l.stop:
		return decisions.Record{}, errors.New("append to the decision log: it is closed")
	case <-ctx.Done():
		return decisions.Record{}, ctx.Err()
	}
	select {
	case err := <-p.done:
		if err != nil {
			return decisions.Record{}, err
		}
		return p.rec, nil
	case <-l.exited:
		select {
		case err := <-p.done:
			if err == nil {
				return p.rec, nil
			}
			return decisions.Record{}, err
		default:
			return decisions.Record{}, errors.New("append to the decision log: it was closed before the record was written")
		}
	case <-ctx.Done():
		return decisions.Record{}, fmt.Errorf("decision record in flight when the call ended (it may still be written): %w", ctx.Err())
	}
}

// startWriter starts the goroutine that commits the appends, once.
func (l *DecisionLog) startWriter() {
	l.once.Do(func() {
		l.wg.Add(1)
		go l.write()
	})
}

// write commits the waiting appends in groups until Close, then commits
// what is still queued.
func (l *DecisionLog) write() {
	defer l.wg.Done()
	defer close(l.exited)
	for {
		select {
		case p := <-l.queue:
			l.commitWaiting(p)
		case <-l.stop:
			for l.commitWaiting(nil) {
			}
			return
		}
	}
}

// commitWaiting commits first (unless nil) with the appends waiting, up to
// maxBatch, and tells each how it went; false when there was none.
func (l *DecisionLog) commitWaiting(first *pending) bool {
	var batch []*pending
	if first != nil {
		batch = append(batch, first)
	}
take:
	for len(batch) < maxBatch {
		select {
		case p := <-l.queue:
			batch = append(batch, p)
		default:
			break take
		}
	}
	if len(batch) == 0 {
		return false
	}
	err := l.commit(batch)
	for _, p := range batch {
		p.done <- err
	}
	return true
}

// commit writes batch in one transaction, retried while the server is
// unreachable.
func (l *DecisionLog) commit(batch []*pending) error {
	built := make([]decisions.Record, len(batch))
	for i, p := range batch {
		built[i] = p.rec
	}
	tries := 0
	return l.s.retry(context.Background(), "append to the decision log", func(ctx context.Context) error {
		tries++
		for i, p := range batch {
			p.rec = built[i]
		}
		return pgx.BeginFunc(ctx, l.s.pool, func(tx pgx.Tx) error { return l.appendIn(ctx, tx, batch, tries > 1) })
	})
}

// appendIn writes batch after the chain's head inside tx. On a retry it
// first looks for the records an earlier try may have committed (all or
// none: one transaction wrote them).
func (l *DecisionLog) appendIn(ctx context.Context, tx pgx.Tx, batch []*pending, retried bool) error {
	head, err := l.lockHead(ctx, tx)
	if err != nil {
		return err
	}
	if retried {
		if found, err := l.committed(ctx, tx, batch); found || err != nil {
			return err
		}
	}
	last := decisions.Record{Seq: head.Records, Hash: head.Hash}
	b := &pgx.Batch{}
	for _, p := range batch {
		line, err := l.sealer.Seal(&p.rec, last)
		if err != nil {
			return err
		}
		last = p.rec
		b.Queue(`INSERT INTO decisions (repo, seq, entry, line, tool, session, outcome, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			l.repo, p.rec.Seq, p.entry, string(line), p.rec.Tool, p.rec.Client.Session, p.rec.Outcome, p.rec.Time)
	}
	next := l.key.SignHead(last.Seq, last.Hash)
	b.Queue(`UPDATE decision_heads SET seq = $2, hash = $3, mac = $4 WHERE repo = $1`, l.repo, next.Records, next.Hash, next.MAC)
	return tx.SendBatch(ctx, b).Close()
}

// committed fills batch from the records an earlier try committed, and
// reports whether there were any.
func (l *DecisionLog) committed(ctx context.Context, tx pgx.Tx, batch []*pending) (bool, error) {
	ids := make([]uuid.UUID, len(batch))
	for i, p := range batch {
		ids[i] = p.entry
	}
	rows, err := tx.Query(ctx, "SELECT entry, line FROM decisions WHERE entry = ANY($1)", ids)
	if err != nil {
		return false, err
	}
	lines := map[uuid.UUID]string{}
	for rows.Next() {
		var id uuid.UUID
		var line string
		if err := rows.Scan(&id, &line); err != nil {
			return false, err
		}
		lines[id] = line
	}
	if err := rows.Err(); err != nil || len(lines) == 0 {
		return false, err
	}
	for _, p := range batch {
		if err := json.Unmarshal([]byte(lines[p.entry]), &p.rec); err != nil {
			return true, fmt.Errorf("read back decision of append %s: %w", p.entry, err)
		}
	}
	return true, nil
}

// lockHead locks the chain's head row, making it first when the chain is
// new, and checks its MAC: a head edited without the key stops appends.
func (l *DecisionLog) lockHead(ctx context.Context, tx pgx.Tx) (decisions.Head, error) {
	var h decisions.Head
	const q = "SELECT seq, hash, key_id, mac FROM decision_heads WHERE repo = $1 FOR UPDATE"
	err := tx.QueryRow(ctx, q, l.repo).Scan(&h.Records, &h.Hash, &h.KeyID, &h.MAC)
	if errors.Is(err, pgx.ErrNoRows) {
		first := l.key.SignHead(0, "")
		if _, err := tx.Exec(ctx, "INSERT INTO decision_heads (repo, seq, hash, key_id, mac) VALUES ($1, 0, '', $2, $3) ON CONFLICT (repo) DO NOTHING",
			l.repo, first.KeyID, first.MAC); err != nil {
			return h, err
		}
		err = tx.QueryRow(ctx, q, l.repo).Scan(&h.Records, &h.Hash, &h.KeyID, &h.MAC)
	}
	if err != nil {
		return h, err
	}
	if why := l.key.CheckHead(h); why != "" {
		return h, fmt.Errorf("%w: repository %q's head: %s (devai decisions verify says more)", decisions.ErrAnchor, l.repo, why)
	}
	return h, nil
}

// Close stops the writer once the appends it holds are committed; later
// appends fail. The Store owns the connections.
func (l *DecisionLog) Close() error {
	l.closeOnce.Do(func() { close(l.stop) })
	l.wg.Wait()
	return nil
}

// List returns the records that pass f, oldest first.
func (l *DecisionLog) List(ctx context.Context, f decisions.Filter) ([]decisions.Record, error) {
	q, args := listQuery(l.repo, f)
	var out []decisions.Record
	err := l.s.retry(ctx, "list the decision log", func(ctx context.Context) error {
		out = nil
		rows, err := l.s.pool.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		for _, line := range lines {
			var r decisions.Record
			if json.Unmarshal([]byte(line), &r) == nil {
				out = append(out, r)
			}
		}
		return nil
	})
	if f.Limit > 0 { // the query took the newest first
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
	}
	return out, err
}

// listQuery is the SQL of List: the filter as conditions, the newest Limit
// records when there is a limit.
func listQuery(repo string, f decisions.Filter) (string, []any) {
	conds, args := []string{"repo = $1"}, []any{repo}
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, fmt.Sprintf(cond, len(args)))
	}
	if f.Tool != "" {
		add("tool = $%d", f.Tool)
	}
	if f.Outcome != "" {
		add("outcome = $%d", f.Outcome)
	}
	if f.Session != "" {
		add("session = $%d", f.Session)
	}
	if !f.Since.IsZero() {
		add("at >= $%d", f.Since)
	}
	if !f.Until.IsZero() {
		add("at < $%d", f.Until)
	}
	if f.Grep != "" {
		add("strpos(lower(line), $%d) > 0", strings.ToLower(f.Grep))
	}
	q := "SELECT line FROM decisions WHERE " + strings.Join(conds, " AND ")
	if f.Limit > 0 {
		return q + fmt.Sprintf(" ORDER BY seq DESC LIMIT %d", f.Limit), args
	}
	return q + " ORDER BY seq", args
}

// Get returns the record with the given id ("d000042", "d42" or "42").
func (l *DecisionLog) Get(ctx context.Context, id string) (decisions.Record, error) {
	seq, err := decisions.ParseID(id)
	if err != nil {
		return decisions.Record{}, err
	}
	var line string
	err = l.s.retry(ctx, "read decision "+id, func(ctx context.Context) error {
		return l.s.pool.QueryRow(ctx, "SELECT line FROM decisions WHERE repo = $1 AND seq = $2", l.repo, seq).Scan(&line)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return decisions.Record{}, fmt.Errorf("decision %s: %w (devai decisions lists them)", id, decisions.ErrNotFound)
	}
	if err != nil {
		return decisions.Record{}, err
	}
	var r decisions.Record
	if err := json.Unmarshal([]byte(line), &r); err != nil {
		return r, fmt.Errorf("decision %s in %s: %w", id, l.s.where, err)
	}
	return r, nil
}

// Verify checks the chain as the file log's Verify does: each record's
// canonical form, MAC and link, the sequence, and the end against the
// signed head. It reads the head first, in the same snapshot as the rows.
func (l *DecisionLog) Verify(ctx context.Context) (decisions.Report, error) {
	var rep decisions.Report
	source := fmt.Sprintf("%s repository %s", l.s.where, l.repo)
	err := l.s.retry(ctx, "verify the decision log", func(ctx context.Context) error {
		return pgx.BeginTxFunc(ctx, l.s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
			var head *decisions.Head
			var h decisions.Head
			err := tx.QueryRow(ctx, "SELECT seq, hash, key_id, mac FROM decision_heads WHERE repo = $1", l.repo).Scan(&h.Records, &h.Hash, &h.KeyID, &h.MAC)
			switch {
			case err == nil:
				head = &h
			case !errors.Is(err, pgx.ErrNoRows):
				return err
			default: // no head: either no append ever began, or it was deleted
				var n int64
				if err := tx.QueryRow(ctx, "SELECT count(*) FROM decisions WHERE repo = $1", l.repo).Scan(&n); err != nil {
					return err
				}
				if n == 0 {
					rep = decisions.Report{Anchored: -1, Notes: []string{fmt.Sprintf("repository %s has no records in %s yet", l.repo, l.s.where)}}
					return nil
				}
			}
			var verr error
			rep, verr = decisions.VerifyChain(source, l.key, head, func(fn func(line []byte, no int) error) error {
				rows, err := tx.Query(ctx, "SELECT line FROM decisions WHERE repo = $1 ORDER BY seq", l.repo)
				if err != nil {
					return err
				}
				defer rows.Close()
				no := 0
				for rows.Next() {
					var line []byte
					if err := rows.Scan(&line); err != nil {
						return err
					}
					no++
					if err := fn(line, no); err != nil {
						return err
					}
				}
				return rows.Err()
			})
			return verr
		})
	})
	return rep, err
}

var _ decisions.Store = (*DecisionLog)(nil)
