/**
 * Invoices: a draft collects lines (by hand, or captured from orders); finalizing freezes them,
 * assigns a number and posts the receivable, revenue, discounts and tax to the ledger. Afterwards
 * an invoice is only voided (nothing paid on it yet) or written off (what is left of it).
 * Paid and partly paid are derived from allocations (balance()), never stored.
 */
import { and, asc, desc, eq, isNull } from 'drizzle-orm'
import { clients, invoiceLines, invoices, patients, priceItems, taxRates } from '../db/schema'
import { conflict, notFound, ApiError } from '../api/errors'
import type { Actor } from '../domain/actor'
import type { Core } from '../domain/core'
import { Ledger, type Category, type Entry } from './ledger'

export type InvoiceRow = typeof invoices.$inferSelect
export type LineRow = typeof invoiceLines.$inferSelect

export interface LineInput {
  priceItemId?: string | null
  description?: string
  category?: Category
  quantityMilli?: number
  unitPriceMinor?: number
  discountMinor?: number
  source?: LineRow['source']
  sourceId?: string | null
}

/** A line's money: quantity × price (rounded to the minor unit), less its discount, and its tax. */
export function lineAmounts(l: Pick<LineRow, 'quantityMilli' | 'unitPriceMinor' | 'discountMinor' | 'taxRateBp'>): { gross: number; net: number; tax: number } {
  const gross = Math.round((l.quantityMilli * l.unitPriceMinor) / 1000)
  const net = gross - l.discountMinor
  return { gross, net, tax: Math.round((net * l.taxRateBp) / 10_000) }
}

export type InvoiceState = 'draft' | 'open' | 'partially_paid' | 'paid' | 'void' | 'written_off'

export interface InvoiceBalance {
  totalMinor: number
  paidMinor: number
  /** what the invoice's credit notes took off what was owed */
  creditedMinor: number
  dueMinor: number
  state: InvoiceState
}

/** Called inside finalize's transaction once the invoice is posted (deposits are applied there). */
export type FinalizedHook = (actor: Actor, inv: InvoiceRow) => void

export class InvoicesService {
  /** set by createBilling: payments apply an estimate's deposits to its invoice */
  onFinalized: FinalizedHook | null = null

  constructor(
    private readonly core: Core,
    private readonly ledger: Ledger
  ) {}

  row(id: string): InvoiceRow {
    const r = this.core.store.byId(invoices, id)
    if (!r || r.deletedAt) throw notFound('Invoice')
    return r
  }

  lines(invoiceId: string): LineRow[] {
    return this.core.store.db.select().from(invoiceLines).where(and(eq(invoiceLines.invoiceId, invoiceId), isNull(invoiceLines.deletedAt))).orderBy(asc(invoiceLines.createdAt)).all()
  }

  createDraft(actor: Actor, input: { clientId: string; patientId?: string | null; visitId?: string | null; kind?: 'invoice' | 'estimate' }): InvoiceRow {
    const { store, audit, events } = this.core
    const client = store.byId(clients, input.clientId)
    if (!client || client.deletedAt) throw notFound('Client')
    if (input.patientId) {
      const p = store.byId(patients, input.patientId)
      if (!p || p.clientId !== client.id) throw new ApiError('invalid-input', 'That patient is not this client’s', [{ path: 'patientId', message: 'is not this client’s pet' }])
    }
    return store.tx(() => {
      const row = store.insert(invoices, { kind: input.kind ?? 'invoice', status: 'draft', clientId: client.id, patientId: input.patientId ?? null, visitId: input.visitId ?? null, number: null, relatedId: null, appliedMinor: null, finalizedAt: null, netMinor: null, taxMinor: null, totalMinor: null, statusReason: null })
      audit.append({ action: `${row.kind}.created`, direction: 'internal', actor, patientId: row.patientId, entityType: 'invoice', entityId: row.id, summary: `Draft ${row.kind} for ${client.firstName} ${client.lastName}` })
      events.emit('changed', { entity: 'invoice', id: row.id })
      return row
    })
  }

  /** A line on a draft: from the price list (its price and category) or described by hand. */
  addLine(actor: Actor, invoiceId: string, input: LineInput): LineRow {
    const { store, audit, events } = this.core
    return store.tx(() => {
      const inv = this.draft(invoiceId)
      const item = input.priceItemId ? store.byId(priceItems, input.priceItemId) : undefined
      if (input.priceItemId && (!item || item.deletedAt)) throw notFound('Price list item')
      const category = input.category ?? item?.category
      const description = input.description ?? item?.name
      const unitPriceMinor = input.unitPriceMinor ?? item?.unitPriceMinor
      if (!category || !description || unitPriceMinor === undefined) throw new ApiError('invalid-input', 'A line needs a price list item, or a description, category and price', [{ path: 'priceItemId', message: 'choose an item or describe the line' }])
      const quantityMilli = input.quantityMilli ?? 1000
      const discountMinor = input.discountMinor ?? 0
      const gross = Math.round((quantityMilli * unitPriceMinor) / 1000)
      if (discountMinor < 0 || discountMinor > gross) throw new ApiError('invalid-input', 'A discount is between nothing and the line’s amount', [{ path: 'discountMinor', message: 'is more than the line' }])
      const line = store.insert(invoiceLines, {
        invoiceId: inv.id,
        priceItemId: item?.id ?? null,
        source: input.source ?? 'manual',
        sourceId: input.sourceId ?? null,
        description,
        category,
        quantityMilli,
        unitPriceMinor,
        discountMinor,
        taxRateBp: this.taxRate(category)
      })
      audit.append({ action: 'invoice.line_added', direction: 'internal', actor, patientId: inv.patientId, entityType: 'invoice', entityId: inv.id, summary: `${description}: ${quantityMilli / 1000} × ${unitPriceMinor}${discountMinor ? `, less ${discountMinor}` : ''}` })
      events.emit('changed', { entity: 'invoice', id: inv.id })
      return line
    })
  }

  /** Answers the invoice it was on. */
  removeLine(actor: Actor, lineId: string, reason: string): string {
    const { store, audit, events } = this.core
    return store.tx(() => {
      const line = store.byId(invoiceLines, lineId)
      if (!line || line.deletedAt) throw notFound('Invoice line')
      const inv = this.draft(line.invoiceId)
      store.remove(invoiceLines, line.id)
      audit.append({ action: 'invoice.line_removed', direction: 'internal', actor, patientId: inv.patientId, entityType: 'invoice', entityId: inv.id, summary: `Removed ${line.description}: ${reason}` })
      events.emit('changed', { entity: 'invoice', id: inv.id })
      return inv.id
    })
  }

  /** Freezes the lines, numbers the invoice and posts it: the client owes its total. */
  finalize(actor: Actor, id: string): InvoiceRow {
    const { store, audit, events } = this.core
    return store.tx(() => {
      const inv = this.draft(id)
      if (inv.kind !== 'invoice') throw conflict('Only an invoice is finalized; convert the estimate first')
      const lines = this.lines(id)
      if (lines.length === 0) throw conflict('An invoice without lines cannot be finalized')
      let net = 0
      let tax = 0
      const entries: Entry[] = []
      for (const l of lines) {
        const a = lineAmounts(l)
        net += a.net
        tax += a.tax
        entries.push({ account: 'revenue', amountMinor: -a.gross, category: l.category }, { account: 'discounts', amountMinor: l.discountMinor, category: l.category }, { account: 'tax_payable', amountMinor: -a.tax, category: l.category })
      }
      const total = net + tax
      if (total < 0) throw conflict('An invoice cannot total less than nothing; issue a credit note instead')
      entries.push({ account: 'receivables', amountMinor: total, clientId: inv.clientId, invoiceId: inv.id })
      const number = this.nextNumber()
      store.update(invoices, id, { status: 'finalized', number, finalizedAt: store.nowIso(), netMinor: net, taxMinor: tax, totalMinor: total })
      if (total > 0) this.ledger.post('invoice_finalized', id, `Invoice ${number}`, entries, actor)
      audit.append({ action: 'invoice.finalized', direction: 'internal', actor, patientId: inv.patientId, entityType: 'invoice', entityId: id, summary: `Invoice ${number}: ${lines.length} line(s), total ${total}` })
      this.onFinalized?.(actor, this.row(id))
      events.emit('changed', { entity: 'invoice', id })
      return this.row(id)
    })
  }

  /** A finalized invoice with nothing paid on it is voided (its posting reversed); a draft is simply voided. */
  void(actor: Actor, id: string, reason: string): InvoiceRow {
    const { store, audit, events } = this.core
    return store.tx(() => {
      const inv = this.row(id)
      if (inv.status === 'void' || inv.status === 'written_off') throw conflict(`This invoice is already ${inv.status.replace('_', ' ')}`)
      if (inv.kind === 'credit_note') throw conflict('A credit note stands once issued; correct it with another document')
      if (inv.status === 'finalized') {
        const b = this.balance(inv)
        if (b.paidMinor !== 0) throw conflict('Payments are applied to this invoice: refund or move them first, or issue a credit note')
        if (b.creditedMinor !== 0) throw conflict('Credit notes were issued on this invoice: write off what is left instead')
        const posted = store.sqlite.prepare("SELECT id FROM ledger_transactions WHERE ref_id = ? AND kind = 'invoice_finalized'").pluck().get(id) as string | undefined
        if (posted) this.ledger.reverse(posted, 'invoice_voided', id, `Void of invoice ${inv.number}: ${reason}`, actor)
      }
      store.update(invoices, id, { status: 'void', statusReason: reason })
      audit.append({ action: 'invoice.voided', direction: 'internal', actor, patientId: inv.patientId, entityType: 'invoice', entityId: id, summary: `Voided ${inv.number ?? 'draft'}: ${reason}` })
      events.emit('changed', { entity: 'invoice', id })
      return this.row(id)
    })
  }

  /** What is left to pay becomes bad debt; the invoice is closed. */
  writeOff(actor: Actor, id: string, reason: string): InvoiceRow {
    const { store, audit, events } = this.core
    return store.tx(() => {
      const inv = this.row(id)
      if (inv.status !== 'finalized' || inv.kind !== 'invoice') throw conflict('Only a finalized invoice is written off')
      const due = this.balance(inv).dueMinor
      if (due > 0) this.ledger.post('invoice_written_off', id, `Write-off of invoice ${inv.number}: ${reason}`, [{ account: 'bad_debt', amountMinor: due }, { account: 'receivables', amountMinor: -due, clientId: inv.clientId, invoiceId: id }], actor)
      store.update(invoices, id, { status: 'written_off', statusReason: reason })
      audit.append({ action: 'invoice.written_off', direction: 'internal', actor, patientId: inv.patientId, entityType: 'invoice', entityId: id, summary: `Wrote off ${due} of ${inv.number}: ${reason}` })
      events.emit('changed', { entity: 'invoice', id })
      return this.row(id)
    })
  }

  /** A client's invoices, newest first. */
  forClient(clientId: string): InvoiceRow[] {
    return this.core.store.db.select().from(invoices).where(and(eq(invoices.clientId, clientId), isNull(invoices.deletedAt))).orderBy(desc(invoices.createdAt)).all()
  }

  /** lines: the invoice's, when the caller has read them already (a draft's total is summed from them) */
  balance(inv: InvoiceRow, lines?: LineRow[]): InvoiceBalance {
    const { store } = this.core
    const paid = (store.statement('SELECT coalesce(sum(amount_minor), 0) FROM payment_allocations WHERE invoice_id = ?').pluck().get(inv.id) as number) ?? 0
    const credited = inv.kind === 'invoice' ? ((store.statement("SELECT coalesce(sum(applied_minor), 0) FROM invoices WHERE related_id = ? AND kind = 'credit_note' AND status = 'finalized'").pluck().get(inv.id) as number) ?? 0) : 0
    const total = inv.totalMinor ?? (lines ?? this.lines(inv.id)).reduce((s, l) => {
      const a = lineAmounts(l)
      return s + a.net + a.tax
    }, 0)
    const due = inv.status === 'finalized' && inv.kind === 'invoice' ? total - paid - credited : 0
    return { totalMinor: total, paidMinor: paid, creditedMinor: credited, dueMinor: due, state: stateOf(inv.status, due, paid + credited) }
  }

  /**
   * An estimate becomes a draft invoice with the same lines; the estimate is closed and names it.
   * Deposits taken against the estimate are applied when that invoice is finalized.
   */
  convertEstimate(actor: Actor, estimateId: string): InvoiceRow {
    const { store, audit, events } = this.core
    return store.tx(() => {
      const est = this.row(estimateId)
      if (est.kind !== 'estimate') throw conflict('Only an estimate is converted')
      if (est.status !== 'draft') throw conflict(est.relatedId ? 'This estimate was already converted to an invoice' : `This estimate is ${est.status.replace('_', ' ')}`)
      const inv = store.insert(invoices, { kind: 'invoice', status: 'draft', clientId: est.clientId, patientId: est.patientId, visitId: est.visitId, number: null, relatedId: est.id, appliedMinor: null, finalizedAt: null, netMinor: null, taxMinor: null, totalMinor: null, statusReason: null })
      for (const l of this.lines(est.id)) {
        store.insert(invoiceLines, { invoiceId: inv.id, priceItemId: l.priceItemId, source: 'estimate', sourceId: l.id, description: l.description, category: l.category, quantityMilli: l.quantityMilli, unitPriceMinor: l.unitPriceMinor, discountMinor: l.discountMinor, taxRateBp: this.taxRate(l.category) })
      }
      store.update(invoices, est.id, { status: 'finalized', relatedId: inv.id, finalizedAt: store.nowIso(), statusReason: 'converted to an invoice' })
      audit.append({ action: 'estimate.converted', direction: 'internal', actor, patientId: est.patientId, entityType: 'invoice', entityId: inv.id, summary: `Estimate converted to a draft invoice` })
      events.emit('changed', { entity: 'invoice', id: est.id })
      events.emit('changed', { entity: 'invoice', id: inv.id })
      return this.row(inv.id)
    })
  }

  /**
   * A credit note on a finalized invoice: each credited line gives back part or all of its net
   * (after discount) with tax at the line's rate. It first reduces what is owed on the invoice;
   * the rest becomes the client's credit. Posted as sales returns, so revenue keeps its history.
   */
  issueCreditNote(actor: Actor, invoiceId: string, credits: { lineId: string; amountMinor: number }[], reason: string): InvoiceRow {
    const { store, audit, events } = this.core
    return store.tx(() => {
      const inv = this.row(invoiceId)
      if (inv.kind !== 'invoice' || inv.status !== 'finalized') throw conflict('A credit note corrects a finalized invoice')
      const lines = new Map(this.lines(inv.id).map((l) => [l.id, l]))
      const seen = new Set<string>()
      const items: { line: LineRow; amount: number; tax: number }[] = []
      for (const c of credits) {
        const line = lines.get(c.lineId)
        if (!line) throw new ApiError('invalid-input', 'A credited line is not on this invoice', [{ path: 'lines', message: 'each line is one of the invoice’s' }])
        if (seen.has(line.id)) throw new ApiError('invalid-input', 'Name each line once', [{ path: 'lines', message: 'a line is named twice' }])
        seen.add(line.id)
        const already = (store.statement("SELECT coalesce(sum(l.unit_price_minor), 0) FROM invoice_lines l JOIN invoices n ON n.id = l.invoice_id WHERE l.source = 'credit' AND l.source_id = ? AND n.status = 'finalized' AND l.deleted_at IS NULL").pluck().get(line.id) as number) ?? 0
        const left = lineAmounts(line).net - already
        if (!Number.isSafeInteger(c.amountMinor) || c.amountMinor <= 0 || c.amountMinor > left) throw conflict(`${line.description}: ${Math.max(0, left)} is left to credit, not ${c.amountMinor}`)
        items.push({ line, amount: c.amountMinor, tax: lineAmounts({ quantityMilli: 1000, unitPriceMinor: c.amountMinor, discountMinor: 0, taxRateBp: line.taxRateBp }).tax })
      }
      const net = items.reduce((s, i) => s + i.amount, 0)
      const tax = items.reduce((s, i) => s + i.tax, 0)
      const total = net + tax
      const applied = Math.max(0, Math.min(total, this.balance(inv).dueMinor))
      const k = (store.statement("SELECT count(*) FROM invoices WHERE related_id = ? AND kind = 'credit_note'").pluck().get(inv.id) as number) + 1
      const number = `CN-${inv.number}-${k}`
      const note = store.insert(invoices, { kind: 'credit_note', status: 'finalized', clientId: inv.clientId, patientId: inv.patientId, visitId: inv.visitId, number, relatedId: inv.id, appliedMinor: applied, finalizedAt: store.nowIso(), netMinor: net, taxMinor: tax, totalMinor: total, statusReason: reason })
      const entries: Entry[] = []
      for (const i of items) {
        store.insert(invoiceLines, { invoiceId: note.id, priceItemId: i.line.priceItemId, source: 'credit', sourceId: i.line.id, description: `Credit: ${i.line.description}`, category: i.line.category, quantityMilli: 1000, unitPriceMinor: i.amount, discountMinor: 0, taxRateBp: i.line.taxRateBp })
        entries.push({ account: 'sales_returns', amountMinor: i.amount, category: i.line.category }, { account: 'tax_payable', amountMinor: i.tax, category: i.line.category })
      }
      entries.push({ account: 'receivables', amountMinor: -applied, clientId: inv.clientId, invoiceId: inv.id }, { account: 'client_credit', amountMinor: -(total - applied), clientId: inv.clientId })
      this.ledger.post('credit_note', note.id, `Credit note ${number} on ${inv.number}: ${reason}`, entries, actor)
      audit.append({ action: 'invoice.credit_note', direction: 'internal', actor, patientId: inv.patientId, entityType: 'invoice', entityId: note.id, summary: `Credit note ${number} on ${inv.number}: ${total} (${applied} off what is owed${total > applied ? `, ${total - applied} to the client’s credit` : ''}): ${reason}` })
      events.emit('changed', { entity: 'invoice', id: inv.id })
      events.emit('changed', { entity: 'invoice', id: note.id })
      return this.row(note.id)
    })
  }

  private draft(id: string): InvoiceRow {
    const inv = this.row(id)
    if (inv.status !== 'draft') throw conflict(`Invoice ${inv.number ?? ''} is ${inv.status.replace('_', ' ')}: its lines are frozen (a correction is a credit note)`.replace('  ', ' '))
    return inv
  }

  private taxRate(category: Category): number {
    // The newest rate set for the category.
    const r = this.core.store.db.select().from(taxRates).where(and(eq(taxRates.category, category), isNull(taxRates.deletedAt))).orderBy(desc(taxRates.createdAt)).limit(1).get()
    return r?.rateBp ?? 0
  }

  /** <year>-<this workstation's tag>-<n>: unique across the clinic's workstations without asking the server. */
  private nextNumber(): string {
    const { store } = this.core
    const prefix = `${store.nowIso().slice(0, 4)}-${store.deviceId.replace(/-/g, '').slice(-4).toUpperCase()}-`
    const last = store.sqlite.prepare("SELECT max(CAST(substr(number, ?) AS INTEGER)) FROM invoices WHERE number LIKE ? || '%'").pluck().get(prefix.length + 1, prefix) as number | null
    return `${prefix}${String((last ?? 0) + 1).padStart(5, '0')}`
  }
}

/** Paid and partly paid are read from what was paid and credited, never stored. */
export function stateOf(status: InvoiceRow['status'], dueMinor: number, settledMinor: number): InvoiceState {
  if (status !== 'finalized') return status
  return dueMinor <= 0 ? 'paid' : settledMinor > 0 ? 'partially_paid' : 'open'
}
