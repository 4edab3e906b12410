/**
 * The clinic's books: double entry in integer minor units. Every money movement is one
 * transaction whose entries sum to zero (debits positive, credits negative), written with the
 * act it records in one Store.tx, so it syncs as one mutation (the server checks the balance
 * again). Rows are append-only (triggers in drizzle/0017): a correction is a reversing transaction.
 */
import type Database from 'better-sqlite3'
import { ledgerEntries, ledgerTransactions } from '../db/schema'
import type { BILLING_CATEGORIES, LEDGER_ACCOUNTS } from '../../src-preload/contract'
import type { Core } from '../domain/core'
import type { Actor } from '../domain/actor'

export type Account = (typeof LEDGER_ACCOUNTS)[number]
export type Category = (typeof BILLING_CATEGORIES)[number]
export type TxKind = (typeof ledgerTransactions.$inferInsert)['kind']

export interface Entry {
  account: Account
  /** debit positive, credit negative */
  amountMinor: number
  category?: Category | null
  clientId?: string | null
  invoiceId?: string | null
}

export class UnbalancedError extends Error {}

export class Ledger {
  constructor(private readonly core: Core) {}

  /** Posts one balanced transaction inside the caller's Store.tx; zero entries are left out. */
  post(kind: TxKind, refId: string, memo: string, entries: Entry[], actor: Actor | null): string {
    const lines = entries.filter((e) => e.amountMinor !== 0)
    for (const e of lines) if (!Number.isSafeInteger(e.amountMinor)) throw new UnbalancedError(`${e.account}: ${e.amountMinor} is not a whole number of minor units`)
    const sum = lines.reduce((s, e) => s + e.amountMinor, 0)
    if (sum !== 0) throw new UnbalancedError(`${kind} ${refId} does not balance: its entries sum to ${sum}`)
    if (lines.length === 0) throw new UnbalancedError(`${kind} ${refId} moves no money`)
    const { store } = this.core
    if (!store.sqlite.inTransaction) throw new Error('Ledger.post runs inside the transaction of the act it records')
    const occurredAt = store.nowIso()
    const tx = store.insert(ledgerTransactions, { kind, refId, occurredAt, memo, actorId: actor?.id ?? null })
    for (const e of lines) store.insert(ledgerEntries, { transactionId: tx.id, account: e.account, amountMinor: e.amountMinor, category: e.category ?? null, clientId: e.clientId ?? null, invoiceId: e.invoiceId ?? null, occurredAt })
    return tx.id
  }

  /** The entries of a transaction reversed, as a new transaction. */
  reverse(transactionId: string, kind: TxKind, refId: string, memo: string, actor: Actor | null): string {
    const entries = this.core.store.sqlite.prepare('SELECT account, amount_minor AS amountMinor, category, client_id AS clientId, invoice_id AS invoiceId FROM ledger_entries WHERE transaction_id = ?').all(transactionId) as Entry[]
    return this.post(kind, refId, memo, entries.map((e) => ({ ...e, amountMinor: -e.amountMinor })), actor)
  }
}

export interface LedgerProblem {
  kind: 'unbalanced' | 'invoice' | 'credit' | 'rollup'
  id: string
  message: string
}

/**
 * Checks the books against the records they summarize: every transaction balances, every
 * invoice's receivable equals what is left to pay on it, and every client's credit equals what
 * they paid beyond their invoices less the credit they used. Answers the first problem, or null.
 */
export function verifyLedger(sqlite: Database.Database): { checked: { transactions: number; invoices: number; clients: number }; problem: LedgerProblem | null } {
  const transactions = sqlite.prepare('SELECT count(*) FROM ledger_transactions').pluck().get() as number
  const unbalanced = sqlite
    .prepare('SELECT t.id, t.kind, coalesce(sum(e.amount_minor), 0) AS sum, count(e.id) AS n FROM ledger_transactions t LEFT JOIN ledger_entries e ON e.transaction_id = t.id GROUP BY t.id HAVING sum != 0 OR n < 2 ORDER BY t.created_at LIMIT 1')
    .get() as { id: string; kind: string; sum: number; n: number } | undefined
  const checked = { transactions, invoices: 0, clients: 0 }
  if (unbalanced) return { checked, problem: { kind: 'unbalanced', id: unbalanced.id, message: `transaction ${unbalanced.id} (${unbalanced.kind}) ${unbalanced.n < 2 ? `has ${unbalanced.n} entries` : `sums to ${unbalanced.sum}`}` } }

  const invoices = sqlite
    .prepare(
      `SELECT i.id, i.number, i.status, coalesce(i.total_minor, 0) AS total,
         (SELECT coalesce(sum(a.amount_minor), 0) FROM payment_allocations a WHERE a.invoice_id = i.id) AS paid,
         (SELECT coalesce(sum(n.applied_minor), 0) FROM invoices n WHERE n.related_id = i.id AND n.kind = 'credit_note' AND n.status = 'finalized') AS credited,
         (SELECT coalesce(sum(e.amount_minor), 0) FROM ledger_entries e WHERE e.invoice_id = i.id AND e.account = 'receivables') AS owed
       FROM invoices i WHERE i.kind = 'invoice' AND i.deleted_at IS NULL ORDER BY i.created_at`
    )
    .all() as { id: string; number: string | null; status: string; total: number; paid: number; credited: number; owed: number }[]
  for (const i of invoices) {
    checked.invoices++
    const expected = i.status === 'finalized' ? i.total - i.paid - i.credited : 0
    if (i.owed !== expected) return { checked, problem: { kind: 'invoice', id: i.id, message: `invoice ${i.number ?? i.id} (${i.status}): the ledger says ${i.owed} is owed, its total, payments and credit notes say ${expected}` } }
  }

  // A client's credit: what their payments left over (less refunds), what credit notes gave beyond
  // what was owed, less the credit spent on invoices. Signed as the ledger holds it (a liability, negative).
  const clients = sqlite
    .prepare(
      `WITH held AS (
         SELECT p.client_id AS id,
           CASE WHEN p.method = 'credit' THEN p.amount_minor
             ELSE -(p.amount_minor - coalesce((SELECT sum(a.amount_minor) FROM payment_allocations a WHERE a.payment_id = p.id), 0)
                    - coalesce((SELECT sum(r.amount_minor) FROM refunds r WHERE r.payment_id = p.id AND r.status = 'succeeded'), 0)) END AS amount
         FROM payments p WHERE p.status = 'succeeded'
         UNION ALL
         SELECT n.client_id, -(n.total_minor - n.applied_minor) FROM invoices n WHERE n.kind = 'credit_note' AND n.status = 'finalized'
       )
       SELECT h.id, sum(h.amount) AS expected,
         (SELECT coalesce(sum(e.amount_minor), 0) FROM ledger_entries e WHERE e.client_id = h.id AND e.account = 'client_credit') AS booked
       FROM held h GROUP BY h.id ORDER BY h.id`
    )
    .all() as { id: string; expected: number; booked: number }[]
  for (const c of clients) {
    checked.clients++
    if (c.expected !== c.booked) return { checked, problem: { kind: 'credit', id: c.id, message: `client ${c.id}: the ledger holds ${-c.booked} of credit, their payments, refunds and credit notes say ${-c.expected}` } }
  }
  // The running sums the reports read agree with the entries.
  const daily = sqlite
    .prepare(
      `SELECT e.day, e.account, e.category, e.amount, coalesce(d.amount_minor, 0) AS kept FROM
         (SELECT coalesce(substr(occurred_at, 1, 10), substr(created_at, 1, 10)) AS day, account, coalesce(category, '') AS category, sum(amount_minor) AS amount FROM ledger_entries GROUP BY 1, 2, 3) e
       LEFT JOIN ledger_daily d ON d.day = e.day AND d.account = e.account AND d.category = e.category
       WHERE kept != e.amount LIMIT 1`
    )
    .get() as { day: string; account: string; category: string; amount: number; kept: number } | undefined
  if (daily) return { checked, problem: { kind: 'rollup', id: `${daily.day}/${daily.account}`, message: `the reports' sum for ${daily.account}${daily.category ? ` (${daily.category})` : ''} on ${daily.day} is ${daily.kept}, its entries sum to ${daily.amount}` } }
  const owed = sqlite
    .prepare(
      `SELECT e.invoice_id AS id, e.amount, coalesce(o.owed_minor, 0) AS kept FROM
         (SELECT invoice_id, sum(amount_minor) AS amount FROM ledger_entries WHERE account = 'receivables' AND invoice_id IS NOT NULL GROUP BY invoice_id) e
       LEFT JOIN invoice_owed o ON o.invoice_id = e.invoice_id WHERE kept != e.amount LIMIT 1`
    )
    .get() as { id: string; amount: number; kept: number } | undefined
  if (owed) return { checked, problem: { kind: 'rollup', id: owed.id, message: `the reports hold ${owed.kept} owed on invoice ${owed.id}, its entries say ${owed.amount}` } }
  return { checked, problem: null }
}
