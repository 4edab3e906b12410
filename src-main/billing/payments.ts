/**
 * Payments taken at the desk without a card terminal: cash (with change due), check, an
 * external terminal's charge keyed in with its reference, or the client's own credit. One
 * payment may cover several invoices; what it does not cover becomes the client's credit. Each
 * press of the button carries an idempotency key: a repeat answers the payment already taken.
 */
import { and, desc, eq } from 'drizzle-orm'
import { clients, paymentAllocations, payments } from '../db/schema'
import { ApiError, conflict, notFound } from '../api/errors'
import type { Actor } from '../domain/actor'
import type { Core } from '../domain/core'
import type { InvoiceRow, InvoicesService } from './invoices'
import type { Account, Entry, Ledger } from './ledger'

export type PaymentRow = typeof payments.$inferSelect
export type DeskMethod = 'cash' | 'check' | 'credit' | 'external'

export interface PaymentInput {
  clientId: string
  method: DeskMethod
  amountMinor: number
  /** cash handed over (at least the amount) */
  tenderedMinor?: number | null
  reference?: string | null
  idempotencyKey: string
  allocations: { invoiceId: string; amountMinor: number }[]
  /** a deposit against this estimate (no allocations: it waits as credit) */
  depositFor?: string | null
}

/** Where each method's money sits in the books. */
export const ASSET: Record<Exclude<PaymentRow['method'], 'credit'>, Account> = { cash: 'cash', check: 'check', external: 'external_clearing', card: 'card_clearing' }

const invalid = (path: string, message: string, summary = message) => new ApiError('invalid-input', summary, [{ path, message }])

export class PaymentsService {
  constructor(
    private readonly core: Core,
    private readonly ledger: Ledger,
    private readonly invoices: InvoicesService
  ) {}

  take(actor: Actor, input: PaymentInput): PaymentRow {
    const { store } = this.core
    return store.tx(() => {
      const earlier = this.earlier(input)
      if (earlier) return earlier
      const client = this.check(input)
      if (input.method === 'cash' && input.tenderedMinor != null && input.tenderedMinor < input.amountMinor) throw invalid('tenderedMinor', 'is less than the amount', 'The cash handed over is less than the payment')
      if (input.method === 'external' && !input.reference?.trim()) throw invalid('reference', 'the terminal’s reference is needed', 'An external terminal’s payment needs its reference')
      if (input.method === 'credit') {
        const allocated = input.allocations.reduce((s, a) => s + a.amountMinor, 0)
        if (allocated !== input.amountMinor) throw invalid('allocations', 'credit is used only to pay invoices', 'Client credit pays invoices: allocate all of it')
        const credit = this.credit(client.id)
        if (input.amountMinor > credit) throw conflict(`${client.firstName} ${client.lastName} has ${credit} of credit, not ${input.amountMinor}`)
      }
      const p = store.insert(payments, {
        clientId: client.id,
        method: input.method,
        status: 'succeeded',
        amountMinor: input.amountMinor,
        tenderedMinor: input.method === 'cash' ? (input.tenderedMinor ?? input.amountMinor) : null,
        reference: input.reference?.trim() || null,
        idempotencyKey: input.idempotencyKey,
        receivedAt: store.nowIso(),
        failure: null,
        depositFor: input.depositFor ?? null
      })
      this.post(actor, p, input.allocations)
      return p
    })
  }

  /** A repeat of a payment already taken (the same key): the payment, or a conflict if the key named another. */
  earlier(input: Pick<PaymentInput, 'idempotencyKey' | 'clientId' | 'amountMinor'> & { method: PaymentRow['method'] }): PaymentRow | null {
    const earlier = this.core.store.db.select().from(payments).where(eq(payments.idempotencyKey, input.idempotencyKey)).get()
    if (!earlier) return null
    if (earlier.clientId !== input.clientId || earlier.amountMinor !== input.amountMinor || earlier.method !== input.method) throw conflict('This payment key was already used for a different payment')
    return earlier
  }

  /** What every payment must satisfy before anything is asked of a terminal or written: answers the client. */
  check(input: Pick<PaymentInput, 'clientId' | 'amountMinor' | 'allocations' | 'depositFor'>) {
    const { store } = this.core
    const client = store.byId(clients, input.clientId)
    if (!client || client.deletedAt) throw notFound('Client')
    if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0) throw invalid('amountMinor', 'must be more than nothing')
    const allocated = input.allocations.reduce((s, a) => s + a.amountMinor, 0)
    if (allocated > input.amountMinor) throw invalid('allocations', 'cover more than the payment')
    if (input.depositFor) {
      const est = this.invoices.row(input.depositFor)
      if (est.kind !== 'estimate' || est.clientId !== client.id) throw invalid('depositFor', 'is not this client’s estimate')
      if (est.status === 'void') throw conflict('This estimate is void')
      if (input.allocations.length) throw invalid('allocations', 'a deposit waits as credit: it pays no invoice yet')
    }
    const seen = new Set<string>()
    for (const a of input.allocations) {
      if (!Number.isSafeInteger(a.amountMinor) || a.amountMinor <= 0) throw invalid('allocations', 'each is more than nothing')
      if (seen.has(a.invoiceId)) throw invalid('allocations', 'name each invoice once')
      seen.add(a.invoiceId)
      const inv = this.invoices.row(a.invoiceId)
      if (inv.clientId !== client.id) throw invalid('allocations', 'an invoice is another client’s')
      const due = this.invoices.balance(inv).dueMinor
      if (inv.status !== 'finalized' || inv.kind !== 'invoice' || a.amountMinor > due) throw conflict(`Invoice ${inv.number ?? '(draft)'} has ${Math.max(0, due)} to pay, not ${a.amountMinor}`)
    }
    return client
  }

  /**
   * A succeeded payment's allocations and its ledger transaction, inside the caller's transaction:
   * the asset (or the credit used) against each invoice's receivable, the rest to the client's credit.
   */
  post(actor: Actor, p: PaymentRow, allocations: { invoiceId: string; amountMinor: number }[]): void {
    const { store, audit, events } = this.core
    const client = store.byId(clients, p.clientId)!
    const allocated = allocations.reduce((s, a) => s + a.amountMinor, 0)
    for (const a of allocations) store.insert(paymentAllocations, { paymentId: p.id, invoiceId: a.invoiceId, amountMinor: a.amountMinor, refundId: null })
    const entries: Entry[] = [
      p.method === 'credit' ? { account: 'client_credit', amountMinor: p.amountMinor, clientId: client.id } : { account: ASSET[p.method], amountMinor: p.amountMinor },
      ...allocations.map((a): Entry => ({ account: 'receivables', amountMinor: -a.amountMinor, clientId: client.id, invoiceId: a.invoiceId })),
      { account: 'client_credit', amountMinor: -(p.amountMinor - allocated), clientId: client.id }
    ]
    const name = `${client.firstName} ${client.lastName}`
    this.ledger.post('payment', p.id, `${p.method} payment from ${name}`, entries, actor)
    const change = p.method === 'cash' && p.tenderedMinor != null ? p.tenderedMinor - p.amountMinor : 0
    const card = p.cardLast4 ? ` (${p.cardBrand ?? 'card'} •••• ${p.cardLast4})` : ''
    audit.append({
      action: 'payment.received',
      direction: 'internal',
      actor,
      entityType: 'payment',
      entityId: p.id,
      summary: `${p.method} ${p.amountMinor} from ${name}${p.reference ? ` (${p.reference})` : ''}${card}: ${allocations.length} invoice(s)${allocated < p.amountMinor ? `, ${p.amountMinor - allocated} to credit${p.depositFor ? ' as a deposit' : ''}` : ''}${change ? `, change ${change}` : ''}`
    })
    events.emit('changed', { entity: 'payment', id: p.id })
    for (const a of allocations) events.emit('changed', { entity: 'invoice', id: a.invoiceId })
  }

  /**
   * When an estimate's invoice is finalized, the deposits taken against the estimate (still held as
   * the client's credit) pay it, as a credit payment, inside finalize's transaction.
   */
  applyDeposits(actor: Actor, inv: InvoiceRow): void {
    if (!inv.relatedId || inv.kind !== 'invoice') return
    const { store } = this.core
    const deposits = store.statement(
      "SELECT coalesce(sum(p.amount_minor), 0) - coalesce(sum((SELECT coalesce(sum(r.amount_minor), 0) FROM refunds r WHERE r.payment_id = p.id AND r.status != 'failed')), 0) FROM payments p WHERE p.deposit_for = ? AND p.status = 'succeeded'"
    ).pluck().get(inv.relatedId) as number
    const amount = Math.min(deposits, this.credit(inv.clientId), this.invoices.balance(inv).dueMinor)
    if (amount <= 0) return
    const p = store.insert(payments, { clientId: inv.clientId, method: 'credit', status: 'succeeded', amountMinor: amount, tenderedMinor: null, reference: 'deposit', idempotencyKey: `deposit:${inv.id}`, receivedAt: store.nowIso(), failure: null, depositFor: null })
    this.post(actor, p, [{ invoiceId: inv.id, amountMinor: amount }])
  }

  /** What is still to pay on an invoice. */
  dueOn(invoiceId: string): number {
    return this.invoices.balance(this.invoices.row(invoiceId)).dueMinor
  }

  /** What the clinic holds for the client beyond their invoices (their credit), in minor units. */
  credit(clientId: string): number {
    // Credit is a liability: its entries are credits (negative); 0 - x keeps an empty account at +0.
    return 0 - ((this.core.store.statement("SELECT coalesce(sum(amount_minor), 0) FROM ledger_entries WHERE client_id = ? AND account = 'client_credit'").pluck().get(clientId) as number) ?? 0)
  }

  /** What the client owes on finalized invoices. */
  owed(clientId: string): number {
    return (this.core.store.statement("SELECT coalesce(sum(amount_minor), 0) FROM ledger_entries WHERE client_id = ? AND account = 'receivables'").pluck().get(clientId) as number) ?? 0
  }

  /** A client's payments, newest first. */
  forClient(clientId: string): PaymentRow[] {
    return this.core.store.db.select().from(payments).where(eq(payments.clientId, clientId)).orderBy(desc(payments.receivedAt)).all()
  }

  allocations(paymentId: string) {
    return this.core.store.db.select().from(paymentAllocations).where(and(eq(paymentAllocations.paymentId, paymentId))).all()
  }
}
