/**
 * The lists billing screens read: invoices and payments by filter, the day's visits to check out,
 * names. Days are the clinic's own (its timezone); stored times are UTC.
 */
import { and, desc, eq, gte, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm'
import { clients, clinics, invoices, patients, payments, visits } from '../db/schema'
import { notFound } from '../api/errors'
import type { Core } from '../domain/core'
import type { InvoiceRow } from './invoices'
import type { PaymentRow } from './payments'
import { dayStart, localDay, nextDay } from '../core/clinic-day'

export class BillingLists {
  constructor(private readonly core: Core) {}

  /** The clinic's timezone (its calendar decides what today and a day are at the desk). */
  timezone(): string {
    return this.core.store.db.select({ tz: clinics.timezone }).from(clinics).get()?.tz ?? 'UTC'
  }

  today(): string {
    return localDay(Date.parse(this.core.store.nowIso()), this.timezone())
  }

  /** Where a local day begins, as a stored (UTC) time. */
  start(day: string): string {
    return dayStart(day, this.timezone())
  }

  clientName(id: string): string {
    const c = this.core.store.byId(clients, id)
    return c ? `${c.firstName} ${c.lastName}` : ''
  }

  patientName(id: string | null): string | null {
    return id ? (this.core.store.byId(patients, id)?.name ?? null) : null
  }

  /** Deposits taken against an estimate, less what was refunded of them. */
  depositOn(estimateId: string): number {
    const s = this.core.store
    const taken = s.statement("SELECT coalesce(sum(amount_minor), 0) FROM payments WHERE deposit_for = ? AND status = 'succeeded'").pluck().get(estimateId) as number
    const back = s.statement("SELECT coalesce(sum(r.amount_minor), 0) FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE p.deposit_for = ? AND r.status = 'succeeded'").pluck().get(estimateId) as number
    return taken - back
  }

  payment(id: string): PaymentRow {
    const p = this.core.store.byId(payments, id)
    if (!p || p.deletedAt) throw notFound('Payment')
    return p
  }

  /**
   * Invoices by filter, newest first. The derived states are read from what each invoice still owes
   * (invoice_owed, kept by the ledger's trigger): open owes all of its total, partly paid some, paid none.
   */
  invoices(f: { kind?: InvoiceRow['kind']; clientId?: string; from?: string; to?: string; status?: InvoiceRow['status']; owing?: 'open' | 'partially_paid' | 'paid' | 'unpaid'; limit: number }): InvoiceRow[] {
    const t = invoices
    const owed = sql`coalesce((SELECT o.owed_minor FROM invoice_owed o WHERE o.invoice_id = ${t.id}), 0)`
    const owing = {
      open: sql`${owed} > 0 AND ${owed} >= ${t.totalMinor}`,
      partially_paid: sql`${owed} > 0 AND ${owed} < ${t.totalMinor}`,
      paid: sql`${owed} <= 0`,
      unpaid: sql`${owed} > 0`
    }
    const where: (SQL | undefined)[] = [
      isNull(t.deletedAt),
      f.kind ? eq(t.kind, f.kind) : undefined,
      f.clientId ? eq(t.clientId, f.clientId) : undefined,
      f.status ? eq(t.status, f.status) : undefined,
      f.owing ? and(eq(t.kind, 'invoice'), owing[f.owing]) : undefined,
      f.from ? gte(t.createdAt, this.start(f.from)) : undefined,
      f.to ? lt(t.createdAt, this.start(nextDay(f.to))) : undefined
    ]
    return this.core.store.db.select().from(t).where(and(...where)).orderBy(desc(t.createdAt)).limit(f.limit).all()
  }

  payments(f: { method?: PaymentRow['method']; clientId?: string; from?: string; to?: string; status?: PaymentRow['status']; limit: number }): PaymentRow[] {
    const t = payments
    const where = [isNull(t.deletedAt), f.method ? eq(t.method, f.method) : undefined, f.status ? eq(t.status, f.status) : undefined, f.clientId ? eq(t.clientId, f.clientId) : undefined, f.from ? gte(t.receivedAt, this.start(f.from)) : undefined, f.to ? lt(t.receivedAt, this.start(nextDay(f.to))) : undefined]
    return this.core.store.db.select().from(t).where(and(...where)).orderBy(desc(t.receivedAt)).limit(f.limit).all()
  }

  /** The day's visits (by appointment, or by when they were opened), each with its newest invoice that is not void. */
  checkout(day: string) {
    const { db } = this.core.store
    const [from, to] = [this.start(day), this.start(nextDay(day))]
    const at = or(and(gte(visits.scheduledAt, from), lt(visits.scheduledAt, to)), and(isNull(visits.scheduledAt), gte(visits.createdAt, from), lt(visits.createdAt, to)))
    const rows = db.select().from(visits).where(and(isNull(visits.deletedAt), ne(visits.status, 'cancelled'), at)).orderBy(visits.scheduledAt, visits.createdAt).all()
    return rows.flatMap((v) => {
      const pet = this.core.store.byId(patients, v.patientId)
      if (!pet) return []
      const inv = db.select().from(invoices).where(and(eq(invoices.visitId, v.id), eq(invoices.kind, 'invoice'), ne(invoices.status, 'void'), isNull(invoices.deletedAt))).orderBy(desc(invoices.createdAt)).get() ?? null
      return [{ visit: v, patient: pet, invoice: inv }]
    })
  }
}
