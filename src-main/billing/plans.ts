/**
 * Payment plans: what is owed on an invoice, split into installments with due dates. Payments on
 * the invoice after the plan began fill the installments in due order, so an installment's paid,
 * open or past-due state is read from the invoice's payments, never stored; a payment taken at the
 * desk on the invoice is a payment on the plan.
 */
import { and, asc, desc, eq } from 'drizzle-orm'
import { clients, paymentPlans, planInstallments } from '../db/schema'
import { ApiError, conflict, notFound } from '../api/errors'
import type { Actor } from '../domain/actor'
import type { Core } from '../domain/core'
import type { InvoicesService } from './invoices'

export type PlanRow = typeof paymentPlans.$inferSelect
export type InstallmentRow = typeof planInstallments.$inferSelect

export interface InstallmentState {
  seq: number
  dueDate: string
  amountMinor: number
  paidMinor: number
  status: 'open' | 'paid' | 'past_due'
}

export interface PlanView {
  plan: PlanRow
  invoiceNumber: string | null
  clientName: string
  status: 'active' | 'completed' | 'canceled'
  totalMinor: number
  paidMinor: number
  installments: InstallmentState[]
}

export class PlansService {
  constructor(
    private readonly core: Core,
    private readonly invoices: InvoicesService,
    /** the clinic's today (its timezone) */
    private readonly today: () => string
  ) {}

  create(actor: Actor, invoiceId: string, schedule: { dueDate: string; amountMinor: number }[], note: string | null): PlanView {
    const { store, audit, events } = this.core
    return store.tx(() => {
      const inv = this.invoices.row(invoiceId)
      if (inv.kind !== 'invoice' || inv.status !== 'finalized') throw conflict('A payment plan is for a finalized invoice')
      const b = this.invoices.balance(inv)
      if (b.dueMinor <= 0) throw conflict(`Invoice ${inv.number} is paid`)
      if (this.activeFor(inv.id)) throw conflict(`Invoice ${inv.number} already has a payment plan: cancel it first to make another`)
      const sum = schedule.reduce((s, i) => s + i.amountMinor, 0)
      if (sum !== b.dueMinor) throw new ApiError('invalid-input', `The installments add up to ${sum}; ${b.dueMinor} is owed`, [{ path: 'installments', message: `must add up to ${b.dueMinor}` }])
      for (let k = 1; k < schedule.length; k++) {
        if (schedule[k].dueDate <= schedule[k - 1].dueDate) throw new ApiError('invalid-input', 'Installments fall due one after another', [{ path: `installments.${k}.dueDate`, message: 'is not after the one before' }])
      }
      const plan = store.insert(paymentPlans, { invoiceId: inv.id, clientId: inv.clientId, status: 'active', paidBeforeMinor: b.paidMinor + b.creditedMinor, note })
      schedule.forEach((i, k) => store.insert(planInstallments, { planId: plan.id, seq: k + 1, dueDate: i.dueDate, amountMinor: i.amountMinor }))
      audit.append({ action: 'plan.created', direction: 'internal', actor, patientId: inv.patientId, entityType: 'plan', entityId: plan.id, summary: `Payment plan on ${inv.number}: ${schedule.length} installment(s) of ${schedule.map((i) => `${i.amountMinor} by ${i.dueDate}`).join(', ')}` })
      events.emit('changed', { entity: 'plan', id: plan.id })
      events.emit('changed', { entity: 'invoice', id: inv.id })
      return this.view(plan.id)
    })
  }

  cancel(actor: Actor, planId: string, reason: string): PlanView {
    const { store, audit, events } = this.core
    return store.tx(() => {
      const plan = this.row(planId)
      if (plan.status !== 'active') throw conflict('This plan has ended')
      store.update(paymentPlans, plan.id, { status: 'canceled', note: [plan.note, `Cancelled: ${reason}`].filter(Boolean).join('. ') })
      audit.append({ action: 'plan.canceled', direction: 'internal', actor, entityType: 'plan', entityId: plan.id, summary: `Cancelled the payment plan: ${reason}` })
      events.emit('changed', { entity: 'plan', id: plan.id })
      return this.view(plan.id)
    })
  }

  row(id: string): PlanRow {
    const r = this.core.store.byId(paymentPlans, id)
    if (!r || r.deletedAt) throw notFound('Payment plan')
    return r
  }

  activeFor(invoiceId: string): PlanRow | null {
    return this.core.store.db.select().from(paymentPlans).where(and(eq(paymentPlans.invoiceId, invoiceId), eq(paymentPlans.status, 'active'))).get() ?? null
  }

  /** The plan with each installment's state as of the clinic's today. */
  view(planId: string, today = this.today()): PlanView {
    const { store } = this.core
    const plan = this.row(planId)
    const inv = this.invoices.row(plan.invoiceId)
    const client = store.byId(clients, plan.clientId)
    const b = this.invoices.balance(inv)
    const schedule = store.db.select().from(planInstallments).where(eq(planInstallments.planId, plan.id)).orderBy(asc(planInstallments.seq)).all()
    const total = schedule.reduce((s, i) => s + i.amountMinor, 0)
    // A written-off or void invoice owes nothing more: its plan is over.
    const closed = inv.status !== 'finalized'
    let paid = closed ? total : Math.max(0, Math.min(total, b.paidMinor + b.creditedMinor - plan.paidBeforeMinor))
    const paidTotal = paid
    const installments = schedule.map((i): InstallmentState => {
      const covered = Math.min(i.amountMinor, paid)
      paid -= covered
      return { seq: i.seq, dueDate: i.dueDate, amountMinor: i.amountMinor, paidMinor: covered, status: covered >= i.amountMinor ? 'paid' : i.dueDate < today ? 'past_due' : 'open' }
    })
    const status = plan.status === 'canceled' ? 'canceled' : installments.every((i) => i.status === 'paid') ? 'completed' : 'active'
    return { plan, invoiceNumber: inv.number, clientName: client ? `${client.firstName} ${client.lastName}` : '', status, totalMinor: total, paidMinor: paidTotal, installments }
  }

  list(opts: { clientId?: string; includeEnded: boolean }): PlanView[] {
    const { store } = this.core
    const where = [opts.clientId ? eq(paymentPlans.clientId, opts.clientId) : undefined, opts.includeEnded ? undefined : eq(paymentPlans.status, 'active')].filter((w) => w !== undefined)
    const rows = store.db.select().from(paymentPlans).where(and(...where)).orderBy(desc(paymentPlans.createdAt)).limit(500).all()
    return rows.map((r) => this.view(r.id)).filter((v) => opts.includeEnded || v.status === 'active')
  }

  /** Installments of active plans not yet paid that fall due by the date: past due first. */
  due(through: string) {
    const today = this.today()
    const plans = this.list({ includeEnded: false })
    const out = plans.flatMap((v) =>
      v.installments.filter((i) => i.status !== 'paid' && i.dueDate <= through).map((i) => ({ ...i, planId: v.plan.id, invoiceId: v.plan.invoiceId, invoiceNumber: v.invoiceNumber, clientId: v.plan.clientId, clientName: v.clientName, remainingMinor: i.amountMinor - i.paidMinor }))
    )
    return out.sort((a, b) => (a.status === b.status ? a.dueDate.localeCompare(b.dueDate) : a.dueDate < today ? -1 : 1))
  }
}
