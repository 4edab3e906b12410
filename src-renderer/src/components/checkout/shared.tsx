/**
 * What the billing screens share: the clinic's currency, money shown in aligned columns, the
 * words and colours of invoice and payment states, and an amount field that reads what people type.
 */
import type { ReactNode } from 'react'
import { Badge, Text, TextInput, type TextInputProps } from '@mantine/core'
import type { Invoice, InvoiceSummary, Payment } from '../../../../src-preload/contract'
import { useCall } from '../../api/hooks'
import { money, parseMoney } from '../../format'

/** The clinic's currency (USD until the clinic is read). */
export function useCurrency(): string {
  return useCall('clinic.get', {}, { staleTime: 60_000 }).data?.currency ?? 'USD'
}

/** money() bound to the clinic's currency. */
export function useMoney(): (minor: number) => string {
  const currency = useCurrency()
  return (minor: number) => money(minor, currency)
}

/** The currency's symbol, for an amount field's left section ("$"). */
export function currencySymbol(currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).formatToParts(0).find((p) => p.type === 'currency')?.value ?? currency
}

/** Today as the hub reads it (billing.checkout's default day is the UTC date). */
export function todayIso(): string {
  return new Date().toISOString().slice(0, 10)
}

export function shiftDay(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}

export function dayLabel(day: string): string {
  const today = todayIso()
  const name = new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' })
  if (day === today) return `Today · ${name}`
  if (day === shiftDay(today, -1)) return `Yesterday · ${name}`
  return name
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

type State = Invoice['state']
const STATE: Record<State, { label: string; color: string }> = {
  draft: { label: 'Draft', color: 'yellow' },
  open: { label: 'Open', color: 'orange' },
  partially_paid: { label: 'Partially paid', color: 'grape' },
  paid: { label: 'Paid', color: 'green' },
  void: { label: 'Void', color: 'gray' },
  written_off: { label: 'Written off', color: 'gray' }
}

/** The state of an invoice (or an estimate, or a credit note) in a word, as a badge. */
export function InvoiceStateBadge({ invoice, none, size = 'sm', testId }: { invoice: Pick<InvoiceSummary, 'state' | 'kind' | 'relatedId' | 'status'> | null; none?: string; size?: string; testId?: string }) {
  if (!invoice)
    return (
      <Badge color="gray" variant="outline" size={size} data-testid={testId} data-state="none">
        {none ?? 'No invoice'}
      </Badge>
    )
  if (invoice.kind === 'estimate') {
    const converted = invoice.status === 'finalized' && !!invoice.relatedId
    return (
      <Badge color={converted ? 'teal' : invoice.status === 'void' ? 'gray' : 'blue'} variant="light" size={size} data-testid={testId} data-state={converted ? 'converted' : invoice.status}>
        {converted ? 'Converted' : invoice.status === 'void' ? 'Void' : 'Estimate'}
      </Badge>
    )
  }
  if (invoice.kind === 'credit_note')
    return (
      <Badge color="cyan" variant="light" size={size} data-testid={testId} data-state="credit_note">
        Credit note
      </Badge>
    )
  const s = STATE[invoice.state]
  return (
    <Badge color={s.color} variant={invoice.state === 'paid' ? 'filled' : 'light'} size={size} data-testid={testId} data-state={invoice.state}>
      {s.label}
    </Badge>
  )
}

export const METHOD_LABEL: Record<Payment['method'], string> = { card: 'Card', cash: 'Cash', check: 'Check', credit: 'Client credit', external: 'External terminal' }

/**
 * What a payment paid on each invoice, net: a refund that reopened an invoice appears in the
 * allocations as a negative one on the same invoice.
 */
export function netAllocations(p: Pick<Payment, 'allocations'>): Map<string, number> {
  const m = new Map<string, number>()
  for (const a of p.allocations) m.set(a.invoiceId, (m.get(a.invoiceId) ?? 0) + a.amountMinor)
  return m
}

/** A method in a sentence: "by card", "in cash", "by client credit". */
export function byMethod(m: Payment['method']): string {
  return m === 'cash' ? 'in cash' : m === 'credit' ? 'from client credit' : m === 'external' ? 'on the external terminal' : `by ${m}`
}

/** How a payment was made, in words: "Visa •••• 4242", "Check #1031", "External terminal (ref 8812)". */
export function paymentHow(p: Pick<Payment, 'method' | 'cardBrand' | 'cardLast4' | 'reference' | 'depositFor'>): string {
  if (p.method === 'card') return p.cardLast4 ? `${brand(p.cardBrand)} •••• ${p.cardLast4}` : 'Card'
  if (p.method === 'check') return p.reference ? `Check #${p.reference.replace(/^\s*(chk|check|no\.?)?\s*#?\s*/i, '') || p.reference}` : 'Check'
  if (p.method === 'external') return `External terminal${p.reference ? ` (ref ${p.reference})` : ''}`
  if (p.method === 'credit') return p.reference === 'deposit' ? 'Deposit applied' : 'Client credit'
  return 'Cash'
}

export function brand(b: string | null): string {
  if (!b) return 'Card'
  const known: Record<string, string> = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover', diners: 'Diners Club', jcb: 'JCB', unionpay: 'UnionPay', interac: 'Interac' }
  return known[b.toLowerCase()] ?? b.charAt(0).toUpperCase() + b.slice(1)
}

const PAYMENT_STATUS: Record<Payment['status'], { label: string; color: string }> = {
  pending: { label: 'In progress', color: 'blue' },
  succeeded: { label: 'Received', color: 'green' },
  failed: { label: 'Failed', color: 'red' },
  canceled: { label: 'Canceled', color: 'gray' }
}

export function PaymentStatusBadge({ payment, testId }: { payment: Pick<Payment, 'status' | 'refundedMinor' | 'amountMinor'>; testId?: string }) {
  const refunded = payment.status === 'succeeded' && payment.refundedMinor > 0
  const s = refunded ? { label: payment.refundedMinor >= payment.amountMinor ? 'Refunded' : 'Partly refunded', color: 'orange' } : PAYMENT_STATUS[payment.status]
  return (
    <Badge color={s.color} variant="light" size="sm" data-testid={testId} data-status={payment.status}>
      {s.label}
    </Badge>
  )
}

export const CATEGORY_LABEL: Record<string, string> = { exam: 'Exam', procedure: 'Procedure', lab: 'Lab', imaging: 'Imaging', pharmacy: 'Pharmacy', product: 'Product', boarding: 'Boarding', other: 'Other' }

/** A quantity in thousandths as people write it: 1000 → "1", 1500 → "1.5". */
export function quantity(milli: number): string {
  return String(Math.round(milli) / 1000)
}

/** A tax rate in basis points: 825 → "8.25 %". */
export function rate(bp: number): string {
  return `${(bp / 100).toLocaleString(undefined, { maximumFractionDigits: 2 })} %`
}

/**
 * An amount field: people type "12.50" or "$1,200"; the parent keeps the text and reads it with
 * parseMoney(). Shows a hint when what is typed is not an amount.
 */
export function MoneyInput({ value, onChange, error, ...rest }: Omit<TextInputProps, 'value' | 'onChange'> & { value: string; onChange: (text: string) => void; error?: ReactNode }) {
  const currency = useCurrency()
  const bad = value.trim() !== '' && parseMoney(value, currency) === null
  return (
    <TextInput
      inputMode="decimal"
      autoComplete="off"
      leftSection={<Text size="sm" c="dimmed">{currencySymbol(currency)}</Text>}
      styles={{ input: { textAlign: 'right', ...NUM } }}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      error={error ?? (bad ? 'Type an amount, such as 12.50' : undefined)}
      {...rest}
    />
  )
}

/** Minor units as an amount field's text: 1250 → "12.50" (no symbol, no grouping). */
export function moneyText(minor: number, currency: string): string {
  const digits = new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  return (minor / 10 ** digits).toFixed(digits)
}
