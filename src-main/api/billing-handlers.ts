/** Billing's handlers: the contract's billing.* onto the billing services, and rows into the contract's shapes. */
import type { Services } from '../app'
import { nextDay } from '../core/clinic-day'
import { who, type Handlers } from './handler-types'
import { lineAmounts, type InvoiceRow } from '../billing/invoices'
import type { PaymentRow } from '../billing/payments'
import type { PriceItemRow } from '../billing/prices'
import type { RefundRow } from '../billing/refunds'
import type { PlanView } from '../billing/plans'
import type { CardReconciliation, Invoice, InvoiceSummary, Payment, PaymentPlan, PriceItem, Refund } from '../../src-preload/contract'

type BillingMethod = Extract<keyof Handlers, `billing.${string}`>

const priceItem = (r: PriceItemRow): PriceItem => ({ id: r.id, code: r.code, name: r.name, category: r.category, unitPriceMinor: r.unitPriceMinor, active: r.active })

export function billingHandlers(s: Services): Pick<Handlers, BillingMethod> {
  const { invoices, payments, prices, refunds, plans, card, reports, lists } = s.billing
  const clientName = (id: string) => lists.clientName(id)

  const summary = (row: InvoiceRow, lines?: ReturnType<typeof invoices.lines>): InvoiceSummary => {
    const b = invoices.balance(row, lines)
    return {
      id: row.id,
      kind: row.kind,
      status: row.status,
      state: b.state,
      number: row.number,
      clientId: row.clientId,
      patientId: row.patientId,
      visitId: row.visitId,
      createdAt: row.createdAt,
      finalizedAt: row.finalizedAt,
      statusReason: row.statusReason,
      totalMinor: b.totalMinor,
      paidMinor: b.paidMinor,
      creditedMinor: b.creditedMinor,
      dueMinor: b.dueMinor,
      relatedId: row.relatedId,
      appliedMinor: row.appliedMinor,
      depositMinor: row.kind === 'estimate' ? lists.depositOn(row.id) : 0,
      planId: row.kind === 'invoice' && row.status === 'finalized' ? (plans.activeFor(row.id)?.id ?? null) : null,
      clientName: clientName(row.clientId),
      patientName: lists.patientName(row.patientId)
    }
  }

  const invoice = (row: InvoiceRow): Invoice => {
    const lines = invoices.lines(row.id)
    return {
      ...summary(row, lines),
      lines: lines.map((l) => {
        const a = lineAmounts(l)
        return { id: l.id, description: l.description, category: l.category, quantityMilli: l.quantityMilli, unitPriceMinor: l.unitPriceMinor, discountMinor: l.discountMinor, taxRateBp: l.taxRateBp, netMinor: a.net, taxMinor: a.tax, source: l.source, sourceId: l.sourceId }
      })
    }
  }

  const refund = (r: RefundRow, method: PaymentRow['method']): Refund => ({ id: r.id, paymentId: r.paymentId, method, amountMinor: r.amountMinor, status: r.status, reason: r.reason, requestedAt: r.requestedAt, settledAt: r.settledAt, failure: r.failure })

  const payment = (p: PaymentRow, rs: RefundRow[] = refunds.forPayment(p.id)): Payment => ({
    id: p.id,
    clientId: p.clientId,
    method: p.method,
    status: p.status,
    amountMinor: p.amountMinor,
    changeDueMinor: p.method === 'cash' && p.tenderedMinor !== null ? p.tenderedMinor - p.amountMinor : 0,
    reference: p.reference,
    receivedAt: p.receivedAt,
    failure: p.failure,
    clientName: clientName(p.clientId),
    cardBrand: p.cardBrand,
    cardLast4: p.cardLast4,
    readerId: p.readerId,
    progress: card.progress(p.id),
    depositFor: p.depositFor,
    refundedMinor: rs.filter((r) => r.status === 'succeeded').reduce((sum, r) => sum + r.amountMinor, 0),
    allocations: payments.allocations(p.id).map((a) => ({ invoiceId: a.invoiceId, amountMinor: a.amountMinor })),
    refunds: rs.map((r) => refund(r, p.method))
  })

  const plan = (v: PlanView): PaymentPlan => ({
    id: v.plan.id,
    invoiceId: v.plan.invoiceId,
    invoiceNumber: v.invoiceNumber,
    clientId: v.plan.clientId,
    clientName: v.clientName,
    status: v.status,
    note: v.plan.note,
    createdAt: v.plan.createdAt,
    totalMinor: v.totalMinor,
    paidMinor: v.paidMinor,
    installments: v.installments
  })

  const paymentRow = (id: string) => lists.payment(id)

  return {
    'billing.priceList': (i) => prices.list(i.includeInactive).map(priceItem),
    'billing.savePriceItem': (i, ctx) => priceItem(prices.save(who(ctx), i)),
    'billing.setTaxRate': (i, ctx) => (prices.setTaxRate(who(ctx), i.category, i.rateBp), { category: i.category, rateBp: i.rateBp }),
    'billing.createInvoice': (i, ctx) => invoice(invoices.createDraft(who(ctx), { clientId: i.clientId, patientId: i.patientId ?? null, visitId: i.visitId ?? null, kind: i.kind })),
    'billing.addLine': (i, ctx) => {
      invoices.addLine(who(ctx), i.invoiceId, { priceItemId: i.priceItemId ?? null, description: i.description ?? undefined, category: i.category, quantityMilli: i.quantityMilli, unitPriceMinor: i.unitPriceMinor, discountMinor: i.discountMinor })
      return invoice(invoices.row(i.invoiceId))
    },
    'billing.removeLine': (i, ctx) => invoice(invoices.row(invoices.removeLine(who(ctx), i.lineId, i.reason))),
    'billing.finalizeInvoice': (i, ctx) => invoice(invoices.finalize(who(ctx), i.invoiceId)),
    'billing.voidInvoice': (i, ctx) => invoice(invoices.void(who(ctx), i.invoiceId, i.reason)),
    'billing.writeOffInvoice': (i, ctx) => invoice(invoices.writeOff(who(ctx), i.invoiceId, i.reason)),
    'billing.invoice': (i) => invoice(invoices.row(i.invoiceId)),
    'billing.takePayment': (i, ctx) => payment(payments.take(who(ctx), { ...i, tenderedMinor: i.tenderedMinor ?? null, reference: i.reference ?? null, depositFor: i.depositFor ?? null })),
    'billing.startCardPayment': (i, ctx) => payment(card.start(who(ctx), { ...i, depositFor: i.depositFor ?? null })),
    'billing.cancelCardPayment': (i, ctx) => {
      card.cancel(who(ctx), i.paymentId)
      return payment(paymentRow(i.paymentId))
    },
    'billing.payment': (i) => payment(paymentRow(i.paymentId)),
    'billing.cardService': (i) => card.service(i.recheck),
    'billing.refund': (i, ctx) => {
      const r = refunds.request(who(ctx), i)
      return refund(r, paymentRow(r.paymentId).method)
    },
    'billing.convertEstimate': (i, ctx) => invoice(invoices.convertEstimate(who(ctx), i.estimateId)),
    'billing.issueCreditNote': (i, ctx) => invoice(invoices.issueCreditNote(who(ctx), i.invoiceId, i.lines, i.reason)),
    'billing.invoices': (i) => {
      const status = i.state === 'draft' || i.state === 'void' || i.state === 'written_off' ? i.state : i.state ? 'finalized' : undefined
      const owing = i.state === 'open' || i.state === 'partially_paid' || i.state === 'paid' || i.state === 'unpaid' ? i.state : undefined
      return lists.invoices({ kind: i.kind, clientId: i.clientId, from: i.from, to: i.to, status, owing, limit: i.limit }).map((r) => summary(r))
    },
    'billing.payments': (i) => {
      const rows = lists.payments({ method: i.method, clientId: i.clientId, from: i.from, to: i.to, limit: i.limit })
      const rs = refunds.forPayments(rows.map((r) => r.id))
      return rows.map((p) => payment(p, rs.get(p.id) ?? []))
    },
    'billing.createPlan': (i, ctx) => plan(plans.create(who(ctx), i.invoiceId, i.installments, i.note ?? null)),
    'billing.cancelPlan': (i, ctx) => plan(plans.cancel(who(ctx), i.planId, i.reason)),
    'billing.plans': (i) => plans.list({ clientId: i.clientId, includeEnded: i.includeEnded }).map(plan),
    'billing.installmentsDue': (i) => plans.due(i.through ?? lists.today()),
    'billing.checkout': (i) =>
      lists.checkout(i.date ?? lists.today()).map(({ visit, patient, invoice: inv }) => ({
        visitId: visit.id,
        patientId: patient.id,
        patientName: patient.name,
        clientId: patient.clientId,
        clientName: clientName(patient.clientId),
        reason: visit.reason,
        visitStatus: visit.status,
        at: visit.scheduledAt ?? visit.createdAt,
        invoice: inv ? summary(inv) : null
      })),
    'billing.report': (i) => reports.report(i.from, i.to, i.groupBy, lists.today()),
    'billing.cardReconciliation': (i) => {
      const fetched = card.charges(i.date, i.refresh, { start: lists.start(i.date), end: lists.start(nextDay(i.date)) })
      const local = lists.payments({ method: 'card', status: 'succeeded', from: i.date, to: i.date, limit: 100_000 })
      const rs = refunds.forPayments(local.map((p) => p.id))
      const rows: CardReconciliation['rows'] = []
      const byIntent = new Map(fetched.charges.filter((c) => c.captured && c.intentId).map((c) => [c.intentId!, c]))
      for (const p of local) {
        const c = p.providerRef ? byIntent.get(p.providerRef) : undefined
        if (c) byIntent.delete(p.providerRef!)
        const localRefunded = (rs.get(p.id) ?? []).filter((r) => r.status === 'succeeded').reduce((sum, r) => sum + r.amountMinor, 0)
        const status = fetched.state !== 'ready' ? 'unchecked' : !c ? 'not_at_provider' : c.amountMinor !== p.amountMinor || c.refundedMinor !== localRefunded ? 'differs' : 'matched'
        rows.push({ providerRef: p.providerRef, paymentId: p.id, clientName: clientName(p.clientId), localMinor: p.amountMinor, providerMinor: c?.amountMinor ?? 0, localRefundedMinor: localRefunded, providerRefundedMinor: c?.refundedMinor ?? 0, status })
      }
      if (fetched.state === 'ready') for (const c of byIntent.values()) rows.push({ providerRef: c.intentId, paymentId: null, clientName: null, localMinor: 0, providerMinor: c.amountMinor, localRefundedMinor: 0, providerRefundedMinor: c.refundedMinor, status: 'not_in_vetos' })
      return {
        date: i.date,
        state: fetched.state,
        message: fetched.message,
        checkedAt: fetched.checkedAt,
        rows,
        totals: { localMinor: local.reduce((sum, p) => sum + p.amountMinor, 0), providerMinor: fetched.charges.filter((c) => c.captured).reduce((sum, c) => sum + c.amountMinor, 0), matched: rows.filter((r) => r.status === 'matched').length, problems: rows.filter((r) => r.status !== 'matched' && r.status !== 'unchecked').length }
      }
    },
    'billing.clientAccount': (i) => {
      s.clients.getClient(i.clientId) // not found: refused here
      const ps = payments.forClient(i.clientId)
      const rs = refunds.forPayments(ps.map((p) => p.id))
      return { clientId: i.clientId, owedMinor: payments.owed(i.clientId), creditMinor: payments.credit(i.clientId), invoices: invoices.forClient(i.clientId).map(invoice), payments: ps.map((p) => payment(p, rs.get(p.id) ?? [])) }
    }
  }
}
