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
import type { InvoicesService } from './invoices'
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
}

const ASSET: Record<Exclude<DeskMethod, 'credit'>, Account> = { cash: 'cash', check: 'check', external: 'external_clearing' }

const invalid = (path: string, message: string, summary = message) => new ApiError('invalid-input', summary, [{ path, message }])

export class PaymentsService {
  constructor(
    private readonly core: Core,
    private readonly ledger: Ledger,
    private readonly invoices: InvoicesService
  ) {}

  take(actor: Actor, input: PaymentInput): PaymentRow {
    const { store, audit, events } = this.core
    return store.tx(() => {
      const earlier = store.db.select().from(payments).where(eq(payments.idempotencyKey, input.idempotencyKey)).get()
      if (earlier) {
        if (earlier.clientId !== input.clientId || earlier.amountMinor !== input.amountMinor || earlier.method !== input.method) throw conflict('This payment key was already used for a different payment')
        return earlier
      }
      const client = store.byId(clients, input.clientId)
      if (!client || client.deletedAt) throw notFound('Client')
      if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0) throw invalid('amountMinor', 'must be more than nothing')
      if (input.method === 'cash' && input.tenderedMinor != null && input.tenderedMinor < input.amountMinor) throw invalid('tenderedMinor', 'is less than the amount', 'The cash handed over is less than the payment')
      if (input.method === 'external' && !input.reference?.trim()) throw invalid('reference', 'the terminal’s reference is needed', 'An external terminal’s payment needs its reference')
      const allocated = input.allocations.reduce((s, a) => s + a.amountMinor, 0)
      if (allocated > input.amountMinor) throw invalid('allocations', 'cover more than the payment')
      const seen = new Set<string>()
      for (const a of input.allocations) {
        if (!Number.isSafeInteger(a.amountMinor) || a.amountMinor <= 0) throw invalid('allocations', 'each is more than nothing')
        if (seen.has(a.invoiceId)) throw invalid('allocations', 'name each invoice once')
        seen.add(a.invoiceId)
        const inv = this.invoices.row(a.invoiceId)
        if (inv.clientId !== client.id) throw invalid('allocations', 'an invoice is another client’s')
        const due = this.invoices.balance(inv).dueMinor
        if (inv.status !== 'finalized' || a.amountMinor > due) throw conflict(`Invoice ${inv.number ?? '(draft)'} has ${Math.max(0, due)} to pay, not ${a.amountMinor}`)
      }
      if (input.method === 'credit') {
        if (allocated !== input.amountMinor) throw invalid('allocations', 'credit is used only to pay invoices', 'Client credit pays invoices: allocate all of it')
        const credit = this.credit(client.id)
        if (input.amountMinor > credit) throw conflict(`${client.firstName} ${client.lastName} has ${credit} of credit, not ${input.amountMinor}`)
      }

      const now = store.nowIso()
      const p = store.insert(payments, {
        clientId: client.id,
        method: input.method,
        status: 'succeeded',
        amountMinor: input.amountMinor,
        tenderedMinor: input.method === 'cash' ? (input.tenderedMinor ?? input.amountMinor) : null,
        reference: input.reference?.trim() || null,
        idempotencyKey: input.idempotencyKey,
        receivedAt: now,
        failure: null
      })
      for (const a of input.allocations) store.insert(paymentAllocations, { paymentId: p.id, invoiceId: a.invoiceId, amountMinor: a.amountMinor })
      const entries: Entry[] = [
        input.method === 'credit' ? { account: 'client_credit', amountMinor: input.amountMinor, clientId: client.id } : { account: ASSET[input.method], amountMinor: input.amountMinor },
        ...input.allocations.map((a): Entry => ({ account: 'receivables', amountMinor: -a.amountMinor, clientId: client.id, invoiceId: a.invoiceId })),
        { account: 'client_credit', amountMinor: -(input.amountMinor - allocated), clientId: client.id }
      ]
      this.ledger.post('payment', p.id, `${input.method} payment from ${client.firstName} ${client.lastName}`, entries, actor)
      const change = input.method === 'cash' && input.tenderedMinor != null ? input.tenderedMinor - input.amountMinor : 0
      audit.append({
        action: 'payment.received',
        direction: 'internal',
        actor,
        entityType: 'payment',
        entityId: p.id,
        summary: `${input.method} ${input.amountMinor} from ${client.firstName} ${client.lastName}${input.reference ? ` (${input.reference})` : ''}: ${input.allocations.length} invoice(s)${allocated < input.amountMinor ? `, ${input.amountMinor - allocated} to credit` : ''}${change ? `, change ${change}` : ''}`
      })
      events.emit('changed', { entity: 'payment', id: p.id })
      return p
    })
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
