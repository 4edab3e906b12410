/**
 * Financial Reports, read from the ledger (so they agree with ledger:verify): revenue by period and
 * category, money received and given back by method, collections, outstanding balances and A/R
 * aging as of the end of the period. Dates are UTC days. Figures read the ledger's running sums per
 * day and per invoice (ledger_daily, invoice_owed: drizzle/0019), so a year of a busy clinic is a
 * few thousand rows, not a million entries.
 */
import type Database from 'better-sqlite3'
import type { FinancialReport } from '../../src-preload/contract'
import { nextDay } from '../core/clinic-day'

const PERIOD: Record<FinancialReport['groupBy'], string> = {
  day: 'day',
  // the Monday the week starts on
  week: "date(day, '-6 days', 'weekday 1')",
  month: 'substr(day, 1, 7)'
}

export class FinancialReports {
  constructor(private readonly sqlite: Database.Database) {}

  report(from: string, to: string, groupBy: FinancialReport['groupBy'], today: string): FinancialReport {
    const start = from
    const end = nextDay(to) // exclusive
    const q = this.sqlite

    const { revenue, revenueTotals } = this.revenue(from, to, groupBy)
    const received = q
      .prepare("SELECT method, sum(amount_minor) AS amount, count(*) AS n FROM payments WHERE status = 'succeeded' AND received_at >= ? AND received_at < ? GROUP BY method")
      .all(start, end) as { method: string; amount: number; n: number }[]
    const refunded = q
      .prepare("SELECT p.method, sum(r.amount_minor) AS amount FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE r.status = 'succeeded' AND r.settled_at >= ? AND r.settled_at < ? GROUP BY p.method")
      .all(start, end) as { method: string; amount: number }[]
    const methods = new Map<string, FinancialReport['byMethod'][number]>()
    for (const r of received) methods.set(r.method, { method: r.method as FinancialReport['byMethod'][number]['method'], receivedMinor: r.amount, refundedMinor: 0, count: r.n })
    for (const r of refunded) {
      const m = methods.get(r.method) ?? { method: r.method as FinancialReport['byMethod'][number]['method'], receivedMinor: 0, refundedMinor: 0, count: 0 }
      m.refundedMinor = r.amount
      methods.set(r.method, m)
    }

    const invoiced = (q.prepare("SELECT coalesce(sum(total_minor), 0) FROM invoices WHERE kind = 'invoice' AND status IN ('finalized', 'written_off') AND finalized_at >= ? AND finalized_at < ?").pluck().get(start, end) as number) ?? 0
    // Money that came in: payments by money methods less what was given back (client credit is not new money).
    const collected = [...methods.values()].filter((m) => m.method !== 'credit').reduce((s, m) => s + m.receivedMinor - m.refundedMinor, 0)
    const writtenOff = (q.prepare("SELECT coalesce(sum(amount_minor), 0) FROM ledger_daily WHERE account = 'bad_debt' AND day >= ? AND day < ?").pluck().get(start, end) as number) ?? 0

    const { outstanding, aging } = this.balances(to, today)
    return {
      from,
      to,
      groupBy,
      revenue,
      revenueTotals,
      byMethod: [...methods.values()].sort((a, b) => b.receivedMinor - a.receivedMinor),
      collections: { invoicedMinor: invoiced, collectedMinor: collected, writtenOffMinor: writtenOff },
      outstanding,
      aging
    }
  }

  /** Revenue by period and category, and the period's totals (with the tax collected). */
  revenue(from: string, to: string, groupBy: FinancialReport['groupBy']): Pick<FinancialReport, 'revenue' | 'revenueTotals'> {
    const start = from
    const end = nextDay(to)
    const q = this.sqlite
    const revenueRows = q
      .prepare(
        `SELECT ${PERIOD[groupBy]} AS period, category, account, sum(amount_minor) AS amount FROM ledger_daily
         WHERE account IN ('revenue', 'discounts', 'sales_returns') AND day >= ? AND day < ? GROUP BY 1, 2, 3 ORDER BY 1, 2`
      )
      .all(start, end) as { period: string; category: string; account: string; amount: number }[]
    const byKey = new Map<string, FinancialReport['revenue'][number]>()
    for (const r of revenueRows) {
      const key = `${r.period}|${r.category}`
      const row = byKey.get(key) ?? { period: r.period, category: r.category as FinancialReport['revenue'][number]['category'], grossMinor: 0, discountMinor: 0, creditedMinor: 0, netMinor: 0 }
      if (r.account === 'revenue') row.grossMinor -= r.amount
      else if (r.account === 'discounts') row.discountMinor += r.amount
      else row.creditedMinor += r.amount
      row.netMinor = row.grossMinor - row.discountMinor - row.creditedMinor
      byKey.set(key, row)
    }
    const revenue = [...byKey.values()]
    const tax = -((q.prepare("SELECT coalesce(sum(amount_minor), 0) FROM ledger_daily WHERE account = 'tax_payable' AND day >= ? AND day < ?").pluck().get(start, end) as number) ?? 0)
    const sum = (k: 'grossMinor' | 'discountMinor' | 'creditedMinor' | 'netMinor') => revenue.reduce((s, r) => s + r[k], 0)

    return { revenue, revenueTotals: { grossMinor: sum('grossMinor'), discountMinor: sum('discountMinor'), creditedMinor: sum('creditedMinor'), netMinor: sum('netMinor'), taxMinor: tax } }
  }

  /** What is owed, by client and by the age of the invoice, and the credit held, as of the end of `to`. */
  balances(to: string, today: string): Pick<FinancialReport, 'outstanding' | 'aging'> {
    const end = nextDay(to)
    const q = this.sqlite
    // Balances as of the end of the period: up to today from the running sums, for a past date from the entries.
    const asOfNow = end > today
    const owedByInvoice = (
      asOfNow
        ? // CROSS JOIN keeps the open invoices (a partial index) as the outer loop rather than every invoice
          q.prepare('SELECT o.invoice_id AS id, o.owed_minor AS owed, i.finalized_at AS at, i.client_id AS clientId FROM invoice_owed o CROSS JOIN invoices i ON i.id = o.invoice_id WHERE o.owed_minor != 0').all()
        : q
            .prepare(
              `SELECT o.invoice_id AS id, o.owed, i.finalized_at AS at, i.client_id AS clientId FROM
                 (SELECT invoice_id, sum(amount_minor) AS owed FROM ledger_entries WHERE account = 'receivables' AND occurred_at < ? GROUP BY invoice_id HAVING owed != 0) o
               JOIN invoices i ON i.id = o.invoice_id`
            )
            .all(end)
    ) as { id: string; owed: number; at: string | null; clientId: string }[]
    const credit = -((q.prepare("SELECT coalesce(sum(amount_minor), 0) FROM ledger_daily WHERE account = 'client_credit' AND day < ?").pluck().get(end) as number) ?? 0)
    const asOf = Date.parse(`${end}T00:00:00Z`)
    const aging = { currentMinor: 0, d31to60Minor: 0, d61to90Minor: 0, over90Minor: 0, unappliedCreditMinor: -credit }
    const perClient = new Map<string, { owed: number; oldest: string | null }>()
    for (const i of owedByInvoice) {
      const days = i.at ? Math.floor((asOf - Date.parse(i.at)) / 86_400_000) : 0
      if (days <= 30) aging.currentMinor += i.owed
      else if (days <= 60) aging.d31to60Minor += i.owed
      else if (days <= 90) aging.d61to90Minor += i.owed
      else aging.over90Minor += i.owed
      const c = perClient.get(i.clientId) ?? { owed: 0, oldest: null }
      c.owed += i.owed
      if (i.at && (!c.oldest || i.at < c.oldest)) c.oldest = i.at
      perClient.set(i.clientId, c)
    }
    const top = [...perClient.entries()].filter(([, c]) => c.owed > 0).sort((a, b) => b[1].owed - a[1].owed).slice(0, 25)
    const names = new Map<string, string>()
    const nameOf = q.prepare("SELECT first_name || ' ' || last_name FROM clients WHERE id = ?").pluck()
    for (const [id] of top) names.set(id, (nameOf.get(id) as string | undefined) ?? '')

    return {
      outstanding: {
        owedMinor: owedByInvoice.reduce((s, i) => s + i.owed, 0),
        creditMinor: credit,
        clients: top.map(([id, c]) => ({ clientId: id, clientName: names.get(id) ?? '', owedMinor: c.owed, oldestAt: c.oldest }))
      },
      aging
    }
  }
}
