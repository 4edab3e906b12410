/**
 * Charge capture: a lab test or imaging request ordered on a visit becomes a line on that visit's
 * draft invoice by itself, priced by its code in the price list (a code the list does not have is
 * a zero line that says so, for the desk to price); cancelling the order removes its lines while
 * the invoice is still a draft. Runs inside the order's own transaction.
 */
import { and, eq, isNull } from 'drizzle-orm'
import { invoiceLines, invoices, patients, priceItems } from '../db/schema'
import type { Actor } from '../domain/actor'
import type { Core } from '../domain/core'
import type { InvoicesService } from './invoices'
import type { Category } from './ledger'

export interface Ordered {
  source: 'lab_order' | 'imaging_request'
  sourceId: string
  patientId: string
  visitId: string | null
  /** what was ordered, by the code the price list knows it by */
  items: { code: string; name: string }[]
}

export class ChargeCapture {
  constructor(
    private readonly core: Core,
    private readonly invoices: InvoicesService
  ) {}

  ordered(actor: Actor, o: Ordered): void {
    if (!o.visitId) return // billed per visit: an order outside a visit is charged by hand
    const { store } = this.core
    const patient = store.byId(patients, o.patientId)
    if (!patient) return
    const category: Category = o.source === 'lab_order' ? 'lab' : 'imaging'
    const draft =
      store.db.select().from(invoices).where(and(eq(invoices.visitId, o.visitId), eq(invoices.kind, 'invoice'), eq(invoices.status, 'draft'), isNull(invoices.deletedAt))).get() ??
      this.invoices.createDraft(actor, { clientId: patient.clientId, patientId: patient.id, visitId: o.visitId })
    for (const item of o.items) {
      const priced = store.db.select().from(priceItems).where(and(eq(priceItems.code, item.code), eq(priceItems.active, true), isNull(priceItems.deletedAt))).get()
      this.invoices.addLine(actor, draft.id, priced ? { priceItemId: priced.id, source: o.source, sourceId: o.sourceId } : { description: `${item.name} (${item.code}: not in the price list)`, category, unitPriceMinor: 0, source: o.source, sourceId: o.sourceId })
    }
  }

  /** The order's lines leave the visit's draft; a finalized invoice keeps them (a correction is a credit note). */
  cancelled(actor: Actor, sourceId: string, reason: string): void {
    const { store } = this.core
    const lines = store.db.select({ id: invoiceLines.id, status: invoices.status }).from(invoiceLines).innerJoin(invoices, eq(invoices.id, invoiceLines.invoiceId)).where(and(eq(invoiceLines.sourceId, sourceId), isNull(invoiceLines.deletedAt))).all()
    for (const l of lines) if (l.status === 'draft') this.invoices.removeLine(actor, l.id, `order cancelled: ${reason}`)
  }
}
