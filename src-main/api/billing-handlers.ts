/** Billing's handlers: one line per method, the contract's billing.* onto the billing services. */
import type { Services } from '../app'
import { who, type Handlers } from './handler-types'
import { lineAmounts, type InvoiceRow } from '../billing/invoices'
import type { PaymentRow } from '../billing/payments'
import type { PriceItemRow } from '../billing/prices'
import type { Invoice, Payment, PriceItem } from '../../src-preload/contract'

type BillingMethod = Extract<keyof Handlers, `billing.${string}`>

const priceItem = (r: PriceItemRow): PriceItem => ({ id: r.id, code: r.code, name: r.name, category: r.category, unitPriceMinor: r.unitPriceMinor, active: r.active })

export function billingHandlers(s: Services): Pick<Handlers, BillingMethod> {
  const { invoices, payments, prices } = s.billing

  const invoice = (row: InvoiceRow): Invoice => {
    const lines = invoices.lines(row.id)
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
      dueMinor: b.dueMinor,
      lines: lines.map((l) => {
        const a = lineAmounts(l)
        return { id: l.id, description: l.description, category: l.category, quantityMilli: l.quantityMilli, unitPriceMinor: l.unitPriceMinor, discountMinor: l.discountMinor, taxRateBp: l.taxRateBp, netMinor: a.net, taxMinor: a.tax, source: l.source, sourceId: l.sourceId }
      })
    }
  }

  const payment = (p: PaymentRow): Payment => ({
    id: p.id,
    clientId: p.clientId,
    method: p.method,
    status: p.status,
    amountMinor: p.amountMinor,
    changeDueMinor: p.method === 'cash' && p.tenderedMinor !== null ? p.tenderedMinor - p.amountMinor : 0,
    reference: p.reference,
    receivedAt: p.receivedAt,
    allocations: payments.allocations(p.id).map((a) => ({ invoiceId: a.invoiceId, amountMinor: a.amountMinor }))
  })


  return {
    'billing.priceList': (i) => prices.list(i.includeInactive).map(priceItem),
    'billing.savePriceItem': (i, ctx) => priceItem(prices.save(who(ctx), i)),
    'billing.setTaxRate': (i, ctx) => (prices.setTaxRate(who(ctx), i.category, i.rateBp), { category: i.category, rateBp: i.rateBp }),
    'billing.createInvoice': (i, ctx) => invoice(invoices.createDraft(who(ctx), { clientId: i.clientId, patientId: i.patientId ?? null, visitId: i.visitId ?? null, kind: i.kind })),
    'billing.addLine': (i, ctx) => {
      invoices.addLine(who(ctx), i.invoiceId, { priceItemId: i.priceItemId ?? null, description: i.description ?? undefined, category: i.category, quantityMilli: i.quantityMilli, unitPriceMinor: i.unitPriceMinor, discountMinor: i.discountMinor })
      return invoice(invoices.row(i.invoiceId))
    },
    'billing.removeLine': (i, ctx) => {
      const invoiceId = invoices.removeLine(who(ctx), i.lineId, i.reason)
      return invoice(invoices.row(invoiceId))
    },
    'billing.finalizeInvoice': (i, ctx) => invoice(invoices.finalize(who(ctx), i.invoiceId)),
    'billing.voidInvoice': (i, ctx) => invoice(invoices.void(who(ctx), i.invoiceId, i.reason)),
    'billing.writeOffInvoice': (i, ctx) => invoice(invoices.writeOff(who(ctx), i.invoiceId, i.reason)),
    'billing.invoice': (i) => invoice(invoices.row(i.invoiceId)),
    'billing.takePayment': (i, ctx) => payment(payments.take(who(ctx), { ...i, tenderedMinor: i.tenderedMinor ?? null, reference: i.reference ?? null })),
    'billing.clientAccount': (i) => {
      s.clients.getClient(i.clientId) // not found: refused here
      return { clientId: i.clientId, owedMinor: payments.owed(i.clientId), creditMinor: payments.credit(i.clientId), invoices: invoices.forClient(i.clientId).map(invoice), payments: payments.forClient(i.clientId).map(payment) }
    }
  }
}
