/**
 * Billing's part of the API contract: the price list, invoices and their lines, payments taken
 * at the desk, and a client's account. Money is in integer minor units of the clinic's currency.
 */
import { z } from 'zod'
import { ADMIN, EVERY_ROLE, Id, IsoDate, NonEmpty, Optional, method } from './common'

export const BILLING_CATEGORIES = ['exam', 'procedure', 'lab', 'imaging', 'pharmacy', 'product', 'boarding', 'other'] as const
export const BillingCategory = z.enum(BILLING_CATEGORIES)
export const PAYMENT_METHODS = ['cash', 'check', 'card', 'credit', 'external'] as const
export const LINE_SOURCES = ['manual', 'lab_order', 'imaging_request', 'estimate', 'credit'] as const
/**
 * The clinic's books (billing ledger): assets, receivables, the client credit it owes, revenue
 * (less discounts and the credit notes given, sales_returns), tax it collected, bad debt.
 */
export const LEDGER_ACCOUNTS = ['cash', 'check', 'card_clearing', 'external_clearing', 'receivables', 'client_credit', 'revenue', 'discounts', 'sales_returns', 'tax_payable', 'bad_debt'] as const

const Minor = z.number().int('must be whole minor units (cents)').min(0).max(100_000_000_000)

export const PriceItem = z.object({ id: Id, code: z.string(), name: z.string(), category: BillingCategory, unitPriceMinor: z.number().int(), active: z.boolean() })
export type PriceItem = z.infer<typeof PriceItem>

export const InvoiceLine = z.object({
  id: Id,
  description: z.string(),
  category: BillingCategory,
  quantityMilli: z.number().int(),
  unitPriceMinor: z.number().int(),
  discountMinor: z.number().int(),
  taxRateBp: z.number().int(),
  netMinor: z.number().int(),
  taxMinor: z.number().int(),
  /** a person, an order (charge capture), the estimate it was converted from, or (a credit note's) the line it credits */
  source: z.enum(LINE_SOURCES),
  sourceId: z.string().nullable()
})
export type InvoiceLine = z.infer<typeof InvoiceLine>

export const Invoice = z.object({
  id: Id,
  kind: z.enum(['estimate', 'invoice', 'credit_note']),
  status: z.enum(['draft', 'finalized', 'void', 'written_off']),
  /** derived from payments, never stored */
  state: z.enum(['draft', 'open', 'partially_paid', 'paid', 'void', 'written_off']),
  number: z.string().nullable(),
  clientId: Id,
  patientId: Id.nullable(),
  visitId: Id.nullable(),
  createdAt: z.string(),
  finalizedAt: z.string().nullable(),
  statusReason: z.string().nullable(),
  totalMinor: z.number().int(),
  paidMinor: z.number().int(),
  /** an invoice: what its credit notes took off what was owed */
  creditedMinor: z.number().int(),
  dueMinor: z.number().int(),
  /** the estimate it came from, the invoice an estimate became, or the invoice a credit note corrects */
  relatedId: Id.nullable(),
  /** a credit note: the part that reduced what was owed (the rest became the client's credit) */
  appliedMinor: z.number().int().nullable(),
  /** an estimate: deposits taken against it, waiting as the client's credit */
  depositMinor: z.number().int(),
  /** the active payment plan on it */
  planId: Id.nullable(),
  clientName: z.string(),
  patientName: z.string().nullable(),
  lines: z.array(InvoiceLine)
})
export type Invoice = z.infer<typeof Invoice>
export const InvoiceSummary = Invoice.omit({ lines: true })
export type InvoiceSummary = z.infer<typeof InvoiceSummary>

export const Refund = z.object({
  id: Id,
  paymentId: Id,
  method: z.enum(PAYMENT_METHODS),
  amountMinor: z.number().int(),
  status: z.enum(['pending', 'succeeded', 'failed']),
  reason: z.string(),
  requestedAt: z.string(),
  settledAt: z.string().nullable(),
  failure: z.string().nullable()
})
export type Refund = z.infer<typeof Refund>

export const Payment = z.object({
  id: Id,
  clientId: Id,
  method: z.enum(PAYMENT_METHODS),
  status: z.enum(['pending', 'succeeded', 'failed', 'canceled']),
  amountMinor: z.number().int(),
  /** cash only: handed over minus the amount */
  changeDueMinor: z.number().int(),
  reference: z.string().nullable(),
  receivedAt: z.string(),
  failure: z.string().nullable(),
  clientName: z.string(),
  /** card: the card as the reader read it, and the reader */
  cardBrand: z.string().nullable(),
  cardLast4: z.string().nullable(),
  readerId: z.string().nullable(),
  /** a card payment under way on this workstation: what it waits for */
  progress: z.enum(['contacting', 'waiting_for_card', 'capturing', 'canceling']).nullable(),
  /** a deposit: the estimate it was taken against */
  depositFor: Id.nullable(),
  refundedMinor: z.number().int(),
  allocations: z.array(z.object({ invoiceId: Id, amountMinor: z.number().int() })),
  refunds: z.array(Refund)
})
export type Payment = z.infer<typeof Payment>

export const Installment = z.object({
  seq: z.number().int(),
  dueDate: z.string(),
  amountMinor: z.number().int(),
  paidMinor: z.number().int(),
  status: z.enum(['open', 'paid', 'past_due'])
})
export const PaymentPlan = z.object({
  id: Id,
  invoiceId: Id,
  invoiceNumber: z.string().nullable(),
  clientId: Id,
  clientName: z.string(),
  /** completed: every installment paid (derived) */
  status: z.enum(['active', 'completed', 'canceled']),
  note: z.string().nullable(),
  createdAt: z.string(),
  totalMinor: z.number().int(),
  paidMinor: z.number().int(),
  installments: z.array(Installment)
})
export type PaymentPlan = z.infer<typeof PaymentPlan>

export const DueInstallment = Installment.extend({ planId: Id, invoiceId: Id, invoiceNumber: z.string().nullable(), clientId: Id, clientName: z.string(), remainingMinor: z.number().int() })
export type DueInstallment = z.infer<typeof DueInstallment>

/** The card payment service as this workstation sees it: the banner on Checkout reads it. */
export const CardService = z.object({
  /** an enabled, approved payments integration exists */
  configured: z.boolean(),
  integrationId: Id.nullable(),
  name: z.string().nullable(),
  /** its key was entered on this workstation (keys never leave the workstation they were typed on) */
  keyHere: z.boolean(),
  /** null: not checked yet */
  online: z.boolean().nullable(),
  checkedAt: z.string().nullable(),
  message: z.string().nullable(),
  readers: z.array(z.object({ id: z.string(), label: z.string(), status: z.string() }))
})
export type CardService = z.infer<typeof CardService>

export const CheckoutVisit = z.object({
  visitId: Id,
  patientId: Id,
  patientName: z.string(),
  clientId: Id,
  clientName: z.string(),
  reason: z.string(),
  visitStatus: z.string(),
  at: z.string(),
  invoice: InvoiceSummary.nullable()
})
export type CheckoutVisit = z.infer<typeof CheckoutVisit>

const Money = z.number().int()
export const FinancialReport = z.object({
  from: z.string(),
  to: z.string(),
  groupBy: z.enum(['day', 'week', 'month']),
  /** revenue by period and category: gross, less discounts and credit notes */
  revenue: z.array(z.object({ period: z.string(), category: BillingCategory, grossMinor: Money, discountMinor: Money, creditedMinor: Money, netMinor: Money })),
  revenueTotals: z.object({ grossMinor: Money, discountMinor: Money, creditedMinor: Money, netMinor: Money, taxMinor: Money }),
  /** money received and given back in the period, by method */
  byMethod: z.array(z.object({ method: z.enum(PAYMENT_METHODS), receivedMinor: Money, refundedMinor: Money, count: z.number().int() })),
  /** invoiced in the period against collected in the period */
  collections: z.object({ invoicedMinor: Money, collectedMinor: Money, writtenOffMinor: Money }),
  /** as of the end of the period */
  outstanding: z.object({ owedMinor: Money, creditMinor: Money, clients: z.array(z.object({ clientId: Id, clientName: z.string(), owedMinor: Money, oldestAt: z.string().nullable() })) }),
  /** what is owed by age of the invoice, as of the end of the period; unapplied credit shown apart */
  aging: z.object({ currentMinor: Money, d31to60Minor: Money, d61to90Minor: Money, over90Minor: Money, unappliedCreditMinor: Money })
})
export type FinancialReport = z.infer<typeof FinancialReport>

export const CardReconciliation = z.object({
  date: z.string(),
  state: z.enum(['ready', 'fetching', 'unavailable']),
  message: z.string().nullable(),
  checkedAt: z.string().nullable(),
  rows: z.array(
    z.object({
      providerRef: z.string().nullable(),
      paymentId: Id.nullable(),
      clientName: z.string().nullable(),
      localMinor: Money,
      providerMinor: Money,
      localRefundedMinor: Money,
      providerRefundedMinor: Money,
      /** unchecked: the service's side is not read yet (fetching or unavailable) */
      status: z.enum(['matched', 'not_in_vetos', 'not_at_provider', 'differs', 'unchecked'])
    })
  ),
  totals: z.object({ localMinor: Money, providerMinor: Money, matched: z.number().int(), problems: z.number().int() })
})
export type CardReconciliation = z.infer<typeof CardReconciliation>

export const ClientAccount = z.object({
  clientId: Id,
  /** what the client owes on finalized invoices */
  owedMinor: z.number().int(),
  /** what the clinic holds for the client beyond their invoices */
  creditMinor: z.number().int(),
  invoices: z.array(Invoice),
  payments: z.array(Payment)
})
export type ClientAccount = z.infer<typeof ClientAccount>

const Reason = NonEmpty(300)
const DESK = ['front_desk', 'admin'] as const
const Allocations = z.array(z.object({ invoiceId: Id, amountMinor: Minor.min(1) }).strict()).max(100)

export const billingMethods = {
  'billing.priceList': method({ input: z.object({ includeInactive: z.boolean().default(false) }).strict(), output: z.array(PriceItem), access: EVERY_ROLE, description: 'The clinic’s price list, by category and name.' }),
  'billing.savePriceItem': method({
    input: z.object({ id: Id.optional(), code: NonEmpty(40), name: NonEmpty(120), category: BillingCategory, unitPriceMinor: Minor, active: z.boolean().default(true) }).strict(),
    output: PriceItem,
    access: ADMIN,
    description: 'Adds or changes a price list item; a lab test’s or imaging request’s code prices it.'
  }),
  'billing.setTaxRate': method({ input: z.object({ category: BillingCategory, rateBp: z.number().int().min(0).max(5000) }).strict(), output: z.object({ category: BillingCategory, rateBp: z.number().int() }), access: ADMIN, description: 'Sales tax on a line category, in basis points (825 = 8.25 %); applies to lines added from now on.' }),
  'billing.createInvoice': method({
    input: z.object({ clientId: Id, patientId: Id.nullable().optional(), visitId: Id.nullable().optional(), kind: z.enum(['invoice', 'estimate']).default('invoice') }).strict(),
    output: Invoice,
    access: EVERY_ROLE,
    description: 'A draft invoice (or estimate) for a client, optionally for one patient and visit.'
  }),
  'billing.addLine': method({
    input: z
      .object({
        invoiceId: Id,
        priceItemId: Id.nullable().optional(),
        description: Optional(200),
        category: BillingCategory.optional(),
        quantityMilli: z.number().int().min(1).max(1_000_000).optional(),
        unitPriceMinor: Minor.optional(),
        discountMinor: Minor.optional()
      })
      .strict(),
    output: Invoice,
    access: EVERY_ROLE,
    description: 'Adds a line to a draft: a price list item, or a description, category and price. Quantity in thousandths (1500 = 1.5).'
  }),
  'billing.removeLine': method({ input: z.object({ lineId: Id, reason: Reason }).strict(), output: Invoice, access: EVERY_ROLE, description: 'Removes a line from a draft, with why.' }),
  'billing.finalizeInvoice': method({ input: z.object({ invoiceId: Id }).strict(), output: Invoice, access: EVERY_ROLE, description: 'Freezes the lines, assigns the number and posts the invoice: the client owes its total.' }),
  'billing.voidInvoice': method({ input: z.object({ invoiceId: Id, reason: Reason }).strict(), output: Invoice, access: ADMIN, description: 'Voids an invoice nothing was paid on (its posting reversed in the ledger).' }),
  'billing.writeOffInvoice': method({ input: z.object({ invoiceId: Id, reason: Reason }).strict(), output: Invoice, access: ADMIN, description: 'Writes off what is left to pay on an invoice as bad debt.' }),
  'billing.invoice': method({ input: z.object({ invoiceId: Id }).strict(), output: Invoice, access: EVERY_ROLE, description: 'An invoice with its lines and what is paid and due.' }),
  'billing.takePayment': method({
    input: z
      .object({
        clientId: Id,
        method: z.enum(['cash', 'check', 'credit', 'external']),
        amountMinor: Minor.min(1, 'must be more than nothing'),
        tenderedMinor: Minor.nullable().optional(),
        reference: Optional(80),
        /** one per press of the button: a repeat answers the payment already taken */
        idempotencyKey: z.uuid(),
        allocations: Allocations,
        /** a deposit against this estimate: it waits as credit until the estimate's invoice is finalized */
        depositFor: Id.nullable().optional()
      })
      .strict(),
    output: Payment,
    access: EVERY_ROLE,
    description: 'Takes a payment at the desk (cash with change due, check, an external terminal’s charge with its reference, or the client’s credit) over one or more invoices; what it does not cover becomes the client’s credit.'
  }),
  'billing.startCardPayment': method({
    input: z.object({ clientId: Id, amountMinor: Minor.min(1, 'must be more than nothing'), readerId: NonEmpty(100), idempotencyKey: z.uuid(), allocations: Allocations, depositFor: Id.nullable().optional() }).strict(),
    output: Payment,
    access: EVERY_ROLE,
    description: 'Starts a card payment on a terminal (the payment service’s server-driven flow): answers the pending payment at once; it settles by itself (watch billing.payment or the live events). Refused while the payment service cannot be reached.'
  }),
  'billing.cancelCardPayment': method({ input: z.object({ paymentId: Id }).strict(), output: Payment, access: EVERY_ROLE, description: 'Cancels a card payment still waiting at the terminal.' }),
  'billing.payment': method({ input: z.object({ paymentId: Id }).strict(), output: Payment, access: EVERY_ROLE, description: 'One payment, with its allocations, refunds and (a card payment under way) its progress.' }),
  'billing.cardService': method({ input: z.object({ recheck: z.boolean().default(false) }).strict(), output: CardService, access: EVERY_ROLE, description: 'Whether card payments can be taken here now, and the terminals; recheck asks the payment service again.' }),
  'billing.refund': method({
    input: z.object({ paymentId: Id, amountMinor: Minor.min(1, 'must be more than nothing'), reason: Reason, idempotencyKey: z.uuid() }).strict(),
    output: Refund,
    access: DESK,
    description: 'Gives back all or part of a payment by its own method (a card through the payment service). It comes out of the client’s credit first, then reopens what the payment paid.'
  }),
  'billing.convertEstimate': method({ input: z.object({ estimateId: Id }).strict(), output: Invoice, access: EVERY_ROLE, description: 'Turns an estimate into a draft invoice with its lines; deposits taken against it are applied when that invoice is finalized.' }),
  'billing.issueCreditNote': method({
    input: z.object({ invoiceId: Id, lines: z.array(z.object({ lineId: Id, amountMinor: Minor.min(1) }).strict()).min(1).max(200), reason: Reason }).strict(),
    output: Invoice,
    access: ADMIN,
    description: 'Corrects a finalized invoice: credits part or all of its lines (net of discount, tax in proportion). It reduces what is owed first; beyond that it becomes the client’s credit.'
  }),
  'billing.invoices': method({
    input: z
      .object({ state: z.enum(['draft', 'open', 'partially_paid', 'paid', 'void', 'written_off', 'unpaid']).optional(), kind: z.enum(['estimate', 'invoice', 'credit_note']).optional(), from: IsoDate.optional(), to: IsoDate.optional(), clientId: Id.optional(), limit: z.number().int().min(1).max(500).default(200) })
      .strict(),
    output: z.array(InvoiceSummary),
    access: EVERY_ROLE,
    description: 'Invoices, estimates or credit notes, newest first; unpaid is open and partially paid.'
  }),
  'billing.payments': method({
    input: z.object({ from: IsoDate.optional(), to: IsoDate.optional(), method: z.enum(PAYMENT_METHODS).optional(), clientId: Id.optional(), limit: z.number().int().min(1).max(500).default(200) }).strict(),
    output: z.array(Payment),
    access: EVERY_ROLE,
    description: 'Payments received (and card payments tried), newest first.'
  }),
  'billing.createPlan': method({
    input: z.object({ invoiceId: Id, installments: z.array(z.object({ dueDate: IsoDate, amountMinor: Minor.min(1) }).strict()).min(1).max(60), note: Optional(300) }).strict(),
    output: PaymentPlan,
    access: DESK,
    description: 'A payment plan on an invoice: installments with due dates that add up to what is owed on it.'
  }),
  'billing.cancelPlan': method({ input: z.object({ planId: Id, reason: Reason }).strict(), output: PaymentPlan, access: DESK, description: 'Ends a payment plan; what is owed stays owed.' }),
  'billing.plans': method({ input: z.object({ clientId: Id.optional(), includeEnded: z.boolean().default(false) }).strict(), output: z.array(PaymentPlan), access: EVERY_ROLE, description: 'Payment plans with their installments, newest first.' }),
  'billing.installmentsDue': method({ input: z.object({ through: IsoDate.optional() }).strict(), output: z.array(DueInstallment), access: EVERY_ROLE, description: 'Installments not yet paid that are due by the date (today by default), past due first.' }),
  'billing.checkout': method({ input: z.object({ date: IsoDate.optional() }).strict(), output: z.array(CheckoutVisit), access: EVERY_ROLE, description: 'The day’s visits (today by default) with their invoices, to check out.' }),
  'billing.report': method({
    input: z.object({ from: IsoDate, to: IsoDate, groupBy: z.enum(['day', 'week', 'month']).default('month') }).strict(),
    output: FinancialReport,
    access: ADMIN,
    description: 'Financial Reports, read from the ledger: revenue by period and category, money by method, collections, outstanding balances and A/R aging.'
  }),
  'billing.cardReconciliation': method({
    input: z.object({ date: IsoDate, refresh: z.boolean().default(false) }).strict(),
    output: CardReconciliation,
    access: DESK,
    description: 'End of day: the day’s card payments in VetOS against the payment service’s charges. Fetches the service’s side in the background (state fetching) and says when it is ready.'
  }),
  'billing.clientAccount': method({ input: z.object({ clientId: Id }).strict(), output: ClientAccount, access: EVERY_ROLE, description: 'A client’s account: owed, credit, invoices and payments, newest first.' })
}
