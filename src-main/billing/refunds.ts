/**
 * Refunds: money given back on a payment, by its own method. A refund draws first on the client's
 * credit (an overpayment, a credit note), then reopens what the payment paid on invoices (negative allocations,
 * newest invoice first), so every invoice's balance stays the sum of what paid it. Cash, check and
 * an external terminal's refunds are settled here at once; a card refund goes through the payment
 * service (card-payments.ts) and is settled when it answers. One refund at a time per payment.
 */
import { and, desc, eq, inArray } from 'drizzle-orm'
import { clients, paymentAllocations, payments, refunds } from '../db/schema'
import { ApiError, conflict, notFound } from '../api/errors'
import type { Actor } from '../domain/actor'
import type { Core } from '../domain/core'
import type { InvoicesService } from './invoices'
import type { Ledger, Entry } from './ledger'
import { ASSET, type PaymentRow, type PaymentsService } from './payments'

export type RefundRow = typeof refunds.$inferSelect

export interface RefundInput {
  paymentId: string
  amountMinor: number
  reason: string
  idempotencyKey: string
}

/** How card refunds leave: set by createBilling once card payments exist. */
export interface CardRefunder {
  send(actor: Actor, refund: RefundRow, payment: PaymentRow): void
}

export class RefundsService {
  card: CardRefunder | null = null

  constructor(
    private readonly core: Core,
    private readonly ledger: Ledger,
    private readonly invoices: InvoicesService,
    private readonly payments: PaymentsService
  ) {}

  request(actor: Actor, input: RefundInput): RefundRow {
    const { store, audit, events } = this.core
    const row = store.tx(() => {
      const earlier = store.db.select().from(refunds).where(eq(refunds.idempotencyKey, input.idempotencyKey)).get()
      if (earlier) {
        if (earlier.paymentId !== input.paymentId || earlier.amountMinor !== input.amountMinor) throw conflict('This refund key was already used for a different refund')
        return { row: earlier, fresh: false }
      }
      const p = store.byId(payments, input.paymentId)
      if (!p || p.deletedAt) throw notFound('Payment')
      if (p.status !== 'succeeded') throw conflict(`This payment ${p.status === 'pending' ? 'has not settled' : `was ${p.status}`}: there is nothing to refund`)
      if (p.method === 'credit') throw conflict('This was paid with the client’s credit: correct the invoice with a credit note instead')
      if (this.forPayment(p.id).some((r) => r.status === 'pending')) throw conflict('A refund of this payment is still under way')
      const left = p.amountMinor - this.refunded(p.id)
      if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0) throw new ApiError('invalid-input', 'A refund is more than nothing', [{ path: 'amountMinor', message: 'must be more than nothing' }])
      if (input.amountMinor > left) throw conflict(`${left} of this payment is left to refund, not ${input.amountMinor}`)
      const split = this.split(p, input.amountMinor)
      if (split.reopen.reduce((s, r) => s + r.amountMinor, 0) + split.fromCredit !== input.amountMinor) {
        throw conflict(`Only ${split.fromCredit + split.reopen.reduce((s, r) => s + r.amountMinor, 0)} of this payment can be refunded now: the client’s credit and what it paid on open invoices`)
      }
      if (p.method === 'card' && !this.card) throw conflict('Card refunds need the payment service, which is not set up on this workstation')
      const now = store.nowIso()
      const r = store.insert(refunds, { paymentId: p.id, clientId: p.clientId, amountMinor: input.amountMinor, fromCreditMinor: split.fromCredit, status: 'pending', reason: input.reason, idempotencyKey: input.idempotencyKey, providerRef: null, requestedAt: now, settledAt: null, failure: null, workstationId: store.deviceId })
      audit.append({ action: 'refund.requested', direction: 'internal', actor, entityType: 'refund', entityId: r.id, summary: `Refund of ${input.amountMinor} on a ${p.method} payment of ${p.amountMinor}: ${input.reason}` })
      if (p.method !== 'card') this.settle(actor, r.id, null)
      events.emit('changed', { entity: 'refund', id: r.id })
      return { row: store.byId(refunds, r.id)!, fresh: true, payment: p }
    })
    if (row.fresh && row.payment?.method === 'card') this.card!.send(actor, row.row, row.payment)
    return row.row
  }

  /**
   * The money went back: the refund succeeds, and its part of the client's credit and of the
   * invoices the payment paid is reopened, in one transaction with its ledger posting.
   */
  settle(actor: Actor | null, refundId: string, providerRef: string | null): RefundRow {
    const { store, audit, events } = this.core
    return store.tx(() => {
      const r = store.byId(refunds, refundId)!
      if (r.status !== 'pending') return r
      const p = store.byId(payments, r.paymentId)!
      const split = this.split(p, r.amountMinor)
      // Money already left the clinic: what the credit and invoices no longer cover is owed back by the client.
      const shortfall = r.amountMinor - split.fromCredit - split.reopen.reduce((s, x) => s + x.amountMinor, 0)
      for (const x of split.reopen) store.insert(paymentAllocations, { paymentId: p.id, invoiceId: x.invoiceId, amountMinor: -x.amountMinor, refundId: r.id })
      const entries: Entry[] = [
        { account: 'client_credit', amountMinor: split.fromCredit + shortfall, clientId: p.clientId },
        ...split.reopen.map((x): Entry => ({ account: 'receivables', amountMinor: x.amountMinor, clientId: p.clientId, invoiceId: x.invoiceId })),
        { account: ASSET[p.method as Exclude<PaymentRow['method'], 'credit'>], amountMinor: -r.amountMinor }
      ]
      const client = store.byId(clients, p.clientId)!
      this.ledger.post('refund', r.id, `${p.method} refund to ${client.firstName} ${client.lastName}: ${r.reason}`, entries, actor)
      store.update(refunds, r.id, { status: 'succeeded', fromCreditMinor: split.fromCredit + shortfall, providerRef, settledAt: store.nowIso() })
      audit.append({
        action: 'refund.succeeded',
        direction: 'internal',
        actor,
        entityType: 'refund',
        entityId: r.id,
        summary: `Refunded ${r.amountMinor} (${p.method}) to ${client.firstName} ${client.lastName}${split.reopen.length ? `; reopened ${split.reopen.map((x) => x.amountMinor).join(' + ')} on ${split.reopen.length} invoice(s)` : ''}${providerRef ? ` (${providerRef})` : ''}`
      })
      events.emit('changed', { entity: 'refund', id: r.id })
      events.emit('changed', { entity: 'payment', id: p.id })
      for (const x of split.reopen) events.emit('changed', { entity: 'invoice', id: x.invoiceId })
      return store.byId(refunds, r.id)!
    })
  }

  /** The payment service refused the refund: nothing moved. */
  fail(actor: Actor | null, refundId: string, failure: string): void {
    const { store, audit, events } = this.core
    store.tx(() => {
      const r = store.byId(refunds, refundId)!
      if (r.status !== 'pending') return
      store.update(refunds, r.id, { status: 'failed', failure, settledAt: store.nowIso() })
      audit.append({ action: 'refund.failed', direction: 'internal', actor, outcome: 'error', entityType: 'refund', entityId: r.id, summary: `Refund of ${r.amountMinor} failed: ${failure}` })
      events.emit('changed', { entity: 'refund', id: r.id })
      events.emit('changed', { entity: 'payment', id: r.paymentId })
    })
  }

  /** What a refund of this much takes from the credit the payment left, and from each invoice it paid. */
  private split(p: PaymentRow, amount: number): { fromCredit: number; reopen: { invoiceId: string; amountMinor: number }[] } {
    const { store } = this.core
    const allocs = store.db.select().from(paymentAllocations).where(eq(paymentAllocations.paymentId, p.id)).all()
    // The client's credit is theirs whatever made it (this payment's overpayment, a credit note): it goes back first.
    const fromCredit = Math.max(0, Math.min(amount, this.payments.credit(p.clientId)))
    let rest = amount - fromCredit
    const perInvoice = new Map<string, number>()
    for (const a of allocs) perInvoice.set(a.invoiceId, (perInvoice.get(a.invoiceId) ?? 0) + a.amountMinor)
    const reopen: { invoiceId: string; amountMinor: number }[] = []
    // Newest allocation first: the last invoice paid is the first reopened.
    for (const invoiceId of [...perInvoice.keys()].reverse()) {
      const net = perInvoice.get(invoiceId)!
      if (rest <= 0 || net <= 0) continue
      if (this.invoices.row(invoiceId).status !== 'finalized') continue // a written-off or void invoice is closed
      const take = Math.min(rest, net)
      reopen.push({ invoiceId, amountMinor: take })
      rest -= take
    }
    return { fromCredit, reopen }
  }

  refunded(paymentId: string): number {
    return this.forPayment(paymentId)
      .filter((r) => r.status !== 'failed')
      .reduce((s, r) => s + r.amountMinor, 0)
  }

  forPayment(paymentId: string): RefundRow[] {
    return this.core.store.db.select().from(refunds).where(eq(refunds.paymentId, paymentId)).orderBy(desc(refunds.requestedAt)).all()
  }

  forPayments(ids: string[]): Map<string, RefundRow[]> {
    const out = new Map<string, RefundRow[]>()
    for (let i = 0; i < ids.length; i += 500) {
      for (const r of this.core.store.db.select().from(refunds).where(and(inArray(refunds.paymentId, ids.slice(i, i + 500)))).orderBy(desc(refunds.requestedAt)).all()) {
        out.set(r.paymentId, [...(out.get(r.paymentId) ?? []), r])
      }
    }
    return out
  }

  pending(): RefundRow[] {
    return this.core.store.db.select().from(refunds).where(eq(refunds.status, 'pending')).all()
  }
}
