/**
 * Billing UI helpers shared by Checkout, the Billing screen, a client's billing history and the
 * receipt: the clinic's currency and money in columns, today as the hub counts billing days, the
 * words and colours of invoice, payment and refund states, and how a payment was made in words.
 * What only one screen uses stays in checkout/shared.tsx or billing-screen/shared.tsx.
 */
import { Badge, Text, Tooltip } from '@mantine/core'
import type { Invoice, InvoiceSummary, Payment, Refund } from '../../../src-preload/contract'
import { useCall } from '../api/hooks'
import { money } from '../format'

// ---- currency and money

/** The clinic's currency (USD until the clinic is read). */
export function useCurrency(): string {
  return useClinic().data?.currency ?? 'USD'
}

/** The clinic's IANA timezone, read right after sign-in (useClinicTimezone) and kept current by useToday and useCurrency. */
let clinicTimezone = 'UTC'

/** The clinic as read from the hub; each read keeps its timezone for todayIso() and clinicTime(). */
function useClinic() {
  const clinic = useCall('clinic.get', {}, { staleTime: 60_000 })
  if (clinic.data) clinicTimezone = clinic.data.timezone
  return clinic
}

/**
 * Reads the clinic (its timezone decides what today is) once signed in; false until it has been
 * read, or has failed to be (then days are UTC's, as before).
 */
export function useClinicTimezone(): boolean {
  const clinic = useClinic()
  return clinic.isSuccess || clinic.isError
}

/**
 * Today as the hub counts billing days (the clinic's timezone, not this PC's), and again once the
 * clinic is read: a screen that takes its day from here re-renders then, instead of keeping the
 * day of a UTC or PC clock (an evening clinic in America would see tomorrow's checkout list).
 */
export function useToday(): string {
  useClinic()
  return todayIso()
}

/** money() bound to the clinic's currency. */
export function useMoney(): (minor: number) => string {
  const currency = useCurrency()
  return (minor: number) => money(minor, currency)
}

/** tabular figures, so amounts line up in a column */
export const NUM = { fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' } as const

/** An amount as text in a column: right-aligned, tabular figures. */
export function Amount({ minor, bold, dimmed, color, testId, size = 'sm' }: { minor: number; bold?: boolean; dimmed?: boolean; color?: string; testId?: string; size?: string }) {
  const fmt = useMoney()
  return (
    <Text span size={size} fw={bold ? 700 : undefined} c={dimmed ? 'dimmed' : color} style={NUM} data-testid={testId}>
      {fmt(minor)}
    </Text>
  )
}

/** Minor units as an amount field's text: 1250 → "12.50" (no symbol, no grouping), read back with parseMoney(). */
export function moneyText(minor: number, currency: string): string {
  const digits = new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  return (minor / 10 ** digits).toFixed(digits)
}

/** A quantity in thousandths as people write it: 1000 → "1", 1500 → "1.5". */
export function quantity(milli: number): string {
  return String(Math.round(milli) / 1000)
}

// ---- days

// The clinic's day, as the hub counts it: Checkout's day, plans due and the end of day (reports group by UTC day).
export function todayIso(): string {
  try {
    // en-CA formats a date as YYYY-MM-DD.
    return new Intl.DateTimeFormat('en-CA', { timeZone: clinicTimezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date())
  } catch {
    return new Date().toISOString().slice(0, 10)
  }
}

/** A time of the clinic's day as the clinic's clock reads it (as Today shows visits), wherever this PC's clock is set. */
export function clinicTime(iso: string, opts: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' }): string {
  try {
    return new Date(iso).toLocaleString(undefined, { ...opts, timeZone: clinicTimezone })
  } catch {
    return new Date(iso).toLocaleString(undefined, opts)
  }
}

/** Today as a UTC calendar day: the Financial Reports' days (the ledger's daily sums are UTC days). */
export function utcToday(): string {
  return new Date().toISOString().slice(0, 10)
}

// ---- invoices

/**
 * Which words a state badge speaks. Checkout and a client's billing history ("desk") and the
 * Billing screen ("ledger") were designed apart and name and colour the same states differently;
 * one badge keeps each screen as it was.
 */
export type BadgeWords = 'desk' | 'ledger'

type InvoiceState = Invoice['state']
type Look = { label: string; color: string }

export const INVOICE_STATE: Record<BadgeWords, Record<InvoiceState, Look>> = {
  desk: {
    draft: { label: 'Draft', color: 'yellow' },
    open: { label: 'Open', color: 'orange' },
    partially_paid: { label: 'Partially paid', color: 'grape' },
    paid: { label: 'Paid', color: 'green' },
    void: { label: 'Void', color: 'gray' },
    written_off: { label: 'Written off', color: 'gray' }
  },
  ledger: {
    draft: { label: 'Draft', color: 'gray' },
    open: { label: 'Open', color: 'blue' },
    partially_paid: { label: 'Partly paid', color: 'yellow' },
    paid: { label: 'Paid', color: 'green' },
    void: { label: 'Void', color: 'gray' },
    written_off: { label: 'Written off', color: 'red' }
  }
}

type StateOf = Pick<InvoiceSummary, 'kind' | 'state' | 'status' | 'relatedId'>
type InvoiceLook = Look & { variant: 'filled' | 'light'; state: string }

/** The desk's words: a paid invoice stands out (filled); data-state names an estimate's status. */
function deskState(inv: StateOf): InvoiceLook {
  if (inv.kind === 'estimate') {
    const converted = inv.status === 'finalized' && !!inv.relatedId
    return { label: converted ? 'Converted' : inv.status === 'void' ? 'Void' : 'Estimate', color: converted ? 'teal' : inv.status === 'void' ? 'gray' : 'blue', variant: 'light', state: converted ? 'converted' : inv.status }
  }
  if (inv.kind === 'credit_note') return { label: 'Credit note', color: 'cyan', variant: 'light', state: 'credit_note' }
  const s = INVOICE_STATE.desk[inv.state]
  return { ...s, variant: inv.state === 'paid' ? 'filled' : 'light', state: inv.state }
}

/**
 * The ledger's words. A credit note and a converted estimate come back from the API as "paid"
 * (nothing is due on them): they read "issued" and "converted" here; data-state names the kind.
 */
function ledgerState(inv: StateOf): InvoiceLook {
  const state = inv.kind === 'invoice' ? inv.state : inv.kind
  if (inv.kind === 'credit_note') return inv.status === 'void' ? { label: 'Void', color: 'gray', variant: 'light', state } : { label: 'Issued', color: 'grape', variant: 'light', state }
  if (inv.kind === 'estimate') {
    if (inv.status === 'finalized' && inv.relatedId) return { label: 'Converted', color: 'teal', variant: 'light', state }
    if (inv.status === 'draft') return { label: 'Estimate', color: 'cyan', variant: 'light', state }
  }
  return { ...INVOICE_STATE.ledger[inv.state], variant: 'light', state }
}

/** The state of an invoice (or an estimate, or a credit note) in a word, as a badge; `none` when there is no invoice. */
export function InvoiceStateBadge({ invoice, words = 'desk', none, size = 'sm', testId }: { invoice: StateOf | null; words?: BadgeWords; none?: string; size?: string; testId?: string }) {
  if (!invoice)
    return (
      <Badge color="gray" variant="outline" size={size} data-testid={testId} data-state="none">
        {none ?? 'No invoice'}
      </Badge>
    )
  const s = words === 'ledger' ? ledgerState(invoice) : deskState(invoice)
  return (
    <Badge color={s.color} variant={s.variant} size={size} data-testid={testId} data-state={s.state}>
      {s.label}
    </Badge>
  )
}

/** A price list or invoice line's category, in a word. */
export const CATEGORY_LABEL: Record<string, string> = { exam: 'Exam', procedure: 'Procedure', lab: 'Lab', imaging: 'Imaging', pharmacy: 'Pharmacy', product: 'Product', boarding: 'Boarding', other: 'Other' }

// ---- payments

export const METHOD_LABEL: Record<Payment['method'], string> = { card: 'Card', cash: 'Cash', check: 'Check', credit: 'Client credit', external: 'External terminal' }

/** A card brand as printed on the card: "visa" → "Visa", "amex" → "American Express". */
export function brand(b: string | null): string {
  if (!b) return 'Card'
  const known: Record<string, string> = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover', diners: 'Diners Club', jcb: 'JCB', unionpay: 'UnionPay', interac: 'Interac' }
  return known[b.toLowerCase()] ?? b.charAt(0).toUpperCase() + b.slice(1)
}

/** A card payment's card: "Visa •••• 4242", or "Card" when the last four digits are not known. */
export function cardText(p: Pick<Payment, 'cardBrand' | 'cardLast4'>): string {
  return p.cardLast4 ? `${brand(p.cardBrand)} •••• ${p.cardLast4}` : 'Card'
}

/** How a payment was made, in words: "Visa •••• 4242", "Check #1031", "External terminal (ref 8812)". */
export function paymentHow(p: Pick<Payment, 'method' | 'cardBrand' | 'cardLast4' | 'reference' | 'depositFor'>): string {
  if (p.method === 'card') return cardText(p)
  if (p.method === 'check') return p.reference ? `Check #${p.reference.replace(/^\s*(chk|check|no\.?)?\s*#?\s*/i, '') || p.reference}` : 'Check'
  if (p.method === 'external') return `External terminal${p.reference ? ` (ref ${p.reference})` : ''}`
  if (p.method === 'credit') return p.reference === 'deposit' ? 'Deposit applied' : 'Client credit'
  return 'Cash'
}

/** What to add after METHOD_LABEL in a table cell: "Visa •••• 4242", "No. 1043", "Ref T-88"; null when nothing. */
export function methodDetail(p: Pick<Payment, 'method' | 'cardBrand' | 'cardLast4' | 'reference'>): string | null {
  if (p.method === 'card') {
    const name = p.cardBrand ? brand(p.cardBrand) : null
    if (name || p.cardLast4) return [name, p.cardLast4 ? `•••• ${p.cardLast4}` : null].filter(Boolean).join(' ')
    return null
  }
  if (p.reference) return p.method === 'check' && /^\d+$/.test(p.reference) ? `No. ${p.reference}` : p.method === 'external' && !/^ref/i.test(p.reference) ? `Ref ${p.reference}` : p.reference
  return null
}

/**
 * What a payment paid on each invoice, net: a refund that reopened an invoice appears in the
 * allocations as a negative one on the same invoice.
 */
export function netAllocations(p: Pick<Payment, 'allocations'>): Map<string, number> {
  const m = new Map<string, number>()
  for (const a of p.allocations) m.set(a.invoiceId, (m.get(a.invoiceId) ?? 0) + a.amountMinor)
  return m
}

const PAYMENT_STATUS: Record<BadgeWords, Record<Payment['status'], Look>> = {
  desk: {
    pending: { label: 'In progress', color: 'blue' },
    succeeded: { label: 'Received', color: 'green' },
    failed: { label: 'Failed', color: 'red' },
    canceled: { label: 'Canceled', color: 'gray' }
  },
  ledger: {
    succeeded: { label: 'Received', color: 'green' },
    pending: { label: 'Pending', color: 'yellow' },
    failed: { label: 'Failed', color: 'red' },
    canceled: { label: 'Canceled', color: 'gray' }
  }
}
const PROGRESS_LABEL: Record<NonNullable<Payment['progress']>, string> = { contacting: 'contacting the service', waiting_for_card: 'waiting for the card', capturing: 'capturing', canceling: 'canceling' }

/**
 * A payment's status as a badge. The desk's badge tells a refunded payment (its refunds have no
 * rows there); the ledger's shows a card payment's progress and the failure on hover (the
 * Billing screen lists refunds as rows of their own).
 */
export function PaymentStatusBadge({ payment, words = 'desk', testId }: { payment: Pick<Payment, 'status' | 'refundedMinor' | 'amountMinor' | 'failure' | 'progress'>; words?: BadgeWords; testId?: string }) {
  if (words === 'desk') {
    const refunded = payment.status === 'succeeded' && payment.refundedMinor > 0
    const s = refunded ? { label: payment.refundedMinor >= payment.amountMinor ? 'Refunded' : 'Partly refunded', color: 'orange' } : PAYMENT_STATUS.desk[payment.status]
    return (
      <Badge color={s.color} variant="light" size="sm" data-testid={testId} data-status={payment.status}>
        {s.label}
      </Badge>
    )
  }
  const s = PAYMENT_STATUS.ledger[payment.status]
  const badge = (
    <Badge color={s.color} variant="light" size="sm" data-testid={testId} data-status={payment.status}>
      {s.label}
      {payment.status === 'pending' && payment.progress ? ` · ${PROGRESS_LABEL[payment.progress]}` : ''}
    </Badge>
  )
  return payment.failure ? (
    <Tooltip label={payment.failure} multiline maw={320}>
      {badge}
    </Tooltip>
  ) : (
    badge
  )
}

const REFUND_STATUS: Record<BadgeWords, Record<Refund['status'], Look>> = {
  desk: { pending: { label: 'Pending', color: 'blue' }, succeeded: { label: 'Refunded', color: 'orange' }, failed: { label: 'Failed', color: 'red' } },
  ledger: { pending: { label: 'Refund pending', color: 'yellow' }, succeeded: { label: 'Refunded', color: 'orange' }, failed: { label: 'Refund failed', color: 'red' } }
}

export function RefundStatusBadge({ refund, words = 'desk', testId }: { refund: Pick<Refund, 'status'>; words?: BadgeWords; testId?: string }) {
  const s = REFUND_STATUS[words][refund.status]
  return (
    <Badge color={s.color} variant="light" size="sm" data-testid={testId} data-status={refund.status}>
      {s.label}
    </Badge>
  )
}
