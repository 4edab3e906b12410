/**
 * Billing's part of the API contract: the price list, invoices and their lines, payments taken
 * at the desk, and a client's account. Money is in integer minor units of the clinic's currency.
 */
import { z } from 'zod'
import { ADMIN, EVERY_ROLE, Id, NonEmpty, Optional, method } from './common'

export const BILLING_CATEGORIES = ['exam', 'procedure', 'lab', 'imaging', 'pharmacy', 'product', 'boarding', 'other'] as const
export const BillingCategory = z.enum(BILLING_CATEGORIES)
export const PAYMENT_METHODS = ['cash', 'check', 'card', 'credit', 'external'] as const
/** The clinic's books (billing ledger): assets, receivables, the client credit it owes, revenue, tax it collected. */
export const LEDGER_ACCOUNTS = ['cash', 'check', 'card_clearing', 'external_clearing', 'receivables', 'client_credit', 'revenue', 'discounts', 'tax_payable', 'bad_debt'] as const

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
  source: z.enum(['manual', 'lab_order', 'imaging_request']),
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
  dueMinor: z.number().int(),
  lines: z.array(InvoiceLine)
})
export type Invoice = z.infer<typeof Invoice>

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
  allocations: z.array(z.object({ invoiceId: Id, amountMinor: z.number().int() }))
})
export type Payment = z.infer<typeof Payment>

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
        allocations: z.array(z.object({ invoiceId: Id, amountMinor: Minor.min(1) }).strict()).max(100)
      })
      .strict(),
    output: Payment,
    access: EVERY_ROLE,
    description: 'Takes a payment at the desk (cash with change due, check, an external terminal’s charge with its reference, or the client’s credit) over one or more invoices; what it does not cover becomes the client’s credit.'
  }),
  'billing.clientAccount': method({ input: z.object({ clientId: Id }).strict(), output: ClientAccount, access: EVERY_ROLE, description: 'A client’s account: owed, credit, invoices and payments, newest first.' })
}
