/** What the Billing screen's tabs share: the clinic's currency, money cells, status badges, roles, dates. */
import type { ReactNode } from 'react'
import { Badge, Paper, Stack, Table, Text, ThemeIcon, Tooltip } from '@mantine/core'
import type { TableTdProps, TableThProps } from '@mantine/core'
import { IconInbox } from '@tabler/icons-react'
import type { InvoiceSummary, Payment, Refund } from '../../../../src-preload/contract'
import { useCall } from '../../api/hooks'
import { useMe } from '../../App'
import { money } from '../../format'

/** The clinic's currency (USD until clinic.get answers). */
export function useCurrency(): string {
  const clinic = useCall('clinic.get', {}, { staleTime: 60_000 })
  return clinic.data?.currency ?? 'USD'
}

/** What the signed-in person may do on this screen, by the contract's access lists. */
export function useBillingRoles() {
  const me = useMe()
  const admin = me.role === 'admin'
  const desk = admin || me.role === 'front_desk'
  return { role: me.role, admin, desk }
}

/** Figures line up in columns: tabular digits, right-aligned. */
export const NUM = { fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' } as const

/** A right-aligned money cell; zero shows dimmed ("—" with dashIfZero). */
export function MoneyTd({ minor, currency, dashIfZero, strong, color, testId, ...rest }: { minor: number; currency: string; dashIfZero?: boolean; strong?: boolean; color?: string; testId?: string } & Omit<TableTdProps, 'color'>) {
  const zero = minor === 0
  return (
    <Table.Td ta="right" style={NUM} data-testid={testId} data-minor={minor} {...rest}>
      <Text span size="sm" fw={strong ? 700 : undefined} c={color ?? (zero ? 'dimmed' : undefined)} style={NUM}>
        {zero && dashIfZero ? '—' : money(minor, currency)}
      </Text>
    </Table.Td>
  )
}

export function NumTh({ children, ...rest }: { children?: ReactNode } & TableThProps) {
  return (
    <Table.Th ta="right" style={{ whiteSpace: 'nowrap' }} {...rest}>
      {children}
    </Table.Th>
  )
}

export const STATE_LABEL: Record<InvoiceSummary['state'], string> = { draft: 'Draft', open: 'Open', partially_paid: 'Partly paid', paid: 'Paid', void: 'Void', written_off: 'Written off' }
const STATE_COLOR: Record<InvoiceSummary['state'], string> = { draft: 'gray', open: 'blue', partially_paid: 'yellow', paid: 'green', void: 'gray', written_off: 'red' }

/**
 * An invoice's state as people say it. A credit note and a converted estimate come back from the
 * API as "paid" (nothing is due on them): they read "issued" and "converted" here.
 */
export function stateWord(inv: Pick<InvoiceSummary, 'kind' | 'state' | 'status' | 'relatedId'>): { label: string; color: string } {
  if (inv.kind === 'credit_note') return inv.status === 'void' ? { label: 'Void', color: 'gray' } : { label: 'Issued', color: 'grape' }
  if (inv.kind === 'estimate') {
    if (inv.status === 'finalized' && inv.relatedId) return { label: 'Converted', color: 'teal' }
    if (inv.status === 'draft') return { label: 'Estimate', color: 'cyan' }
  }
  return { label: STATE_LABEL[inv.state], color: STATE_COLOR[inv.state] }
}

export function InvoiceStateBadge({ inv, testId }: { inv: Pick<InvoiceSummary, 'kind' | 'state' | 'status' | 'relatedId'>; testId?: string }) {
  const w = stateWord(inv)
  return (
    <Badge color={w.color} variant="light" size="sm" data-testid={testId} data-state={inv.kind === 'invoice' ? inv.state : inv.kind}>
      {w.label}
    </Badge>
  )
}

export const KIND_LABEL: Record<InvoiceSummary['kind'], string> = { invoice: 'Invoice', estimate: 'Estimate', credit_note: 'Credit note' }

export const METHOD_LABEL: Record<Payment['method'], string> = { cash: 'Cash', check: 'Check', card: 'Card', credit: 'Client credit', external: 'External terminal' }

const PAYMENT_STATUS: Record<Payment['status'], { label: string; color: string }> = {
  succeeded: { label: 'Received', color: 'green' },
  pending: { label: 'Pending', color: 'yellow' },
  failed: { label: 'Failed', color: 'red' },
  canceled: { label: 'Canceled', color: 'gray' }
}
const PROGRESS_LABEL: Record<NonNullable<Payment['progress']>, string> = { contacting: 'contacting the service', waiting_for_card: 'waiting for the card', capturing: 'capturing', canceling: 'canceling' }

export function PaymentStatusBadge({ p, testId }: { p: Pick<Payment, 'status' | 'failure' | 'progress'>; testId?: string }) {
  const s = PAYMENT_STATUS[p.status]
  const badge = (
    <Badge color={s.color} variant="light" size="sm" data-testid={testId} data-status={p.status}>
      {s.label}
      {p.status === 'pending' && p.progress ? ` · ${PROGRESS_LABEL[p.progress]}` : ''}
    </Badge>
  )
  return p.failure ? (
    <Tooltip label={p.failure} multiline maw={320}>
      {badge}
    </Tooltip>
  ) : (
    badge
  )
}

const REFUND_STATUS: Record<Refund['status'], { label: string; color: string }> = { pending: { label: 'Refund pending', color: 'yellow' }, succeeded: { label: 'Refunded', color: 'orange' }, failed: { label: 'Refund failed', color: 'red' } }

export function RefundStatusBadge({ r, testId }: { r: Pick<Refund, 'status'>; testId?: string }) {
  const s = REFUND_STATUS[r.status]
  return (
    <Badge color={s.color} variant="light" size="sm" data-testid={testId} data-status={r.status}>
      {s.label}
    </Badge>
  )
}

/** "Visa •••• 4242", "Check 1043", "Ref T-88" */
export function methodDetail(p: Pick<Payment, 'method' | 'cardBrand' | 'cardLast4' | 'reference'>): string | null {
  if (p.method === 'card') {
    const brand = p.cardBrand ? p.cardBrand.charAt(0).toUpperCase() + p.cardBrand.slice(1) : null
    if (brand || p.cardLast4) return [brand, p.cardLast4 ? `•••• ${p.cardLast4}` : null].filter(Boolean).join(' ')
    return null
  }
  if (p.reference) return p.method === 'check' && /^\d+$/.test(p.reference) ? `No. ${p.reference}` : p.method === 'external' && !/^ref/i.test(p.reference) ? `Ref ${p.reference}` : p.reference
  return null
}

/** What is still refundable on a payment: its amount less refunds that did not fail (pending ones hold their amount). */
export function refundable(p: Pick<Payment, 'amountMinor' | 'refunds'>): number {
  return p.amountMinor - p.refunds.filter((r) => r.status !== 'failed').reduce((s, r) => s + r.amountMinor, 0)
}

/** An empty table's message: what is missing and what to do about it. */
export function EmptyRow({ cols, title, hint, testId }: { cols: number; title: string; hint?: ReactNode; testId?: string }) {
  return (
    <Table.Tr>
      <Table.Td colSpan={cols}>
        <EmptyState title={title} hint={hint} testId={testId} />
      </Table.Td>
    </Table.Tr>
  )
}

export function EmptyState({ title, hint, testId }: { title: string; hint?: ReactNode; testId?: string }) {
  return (
    <Stack align="center" gap={4} py="lg" data-testid={testId}>
      <ThemeIcon variant="light" color="gray" size="lg" radius="xl">
        <IconInbox size={18} />
      </ThemeIcon>
      <Text fw={500}>{title}</Text>
      {hint && (
        <Text size="sm" c="dimmed" ta="center" maw={520}>
          {hint}
        </Text>
      )}
    </Stack>
  )
}

export function Section({ title, right, children, testId }: { title: ReactNode; right?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <Paper withBorder p="md" data-testid={testId}>
      <Stack gap="sm">
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 12, flexWrap: 'wrap' }}>
          <Text fw={600} size="lg">
            {title}
          </Text>
          {right}
        </div>
        {children}
      </Stack>
    </Paper>
  )
}

// ---- dates: the API speaks UTC calendar days (YYYY-MM-DD); the screen picks them from the local calendar.

const pad = (n: number) => String(n).padStart(2, '0')
export const isoDay = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
export const todayIso = () => isoDay(new Date())
export const parseDay = (s: string) => new Date(`${s}T00:00:00`)
export const addDays = (s: string, n: number) => {
  const d = parseDay(s)
  d.setDate(d.getDate() + n)
  return isoDay(d)
}
/** The same day n months on, kept inside shorter months (Jan 31 → Feb 28 → Mar 31). */
export const addMonths = (s: string, n: number) => {
  const d = parseDay(s)
  const day = d.getDate()
  const t = new Date(d.getFullYear(), d.getMonth() + n, 1)
  const last = new Date(t.getFullYear(), t.getMonth() + 1, 0).getDate()
  t.setDate(Math.min(day, last))
  return isoDay(t)
}
export const daysBetween = (from: string, to: string) => Math.round((Date.UTC(+to.slice(0, 4), +to.slice(5, 7) - 1, +to.slice(8, 10)) - Date.UTC(+from.slice(0, 4), +from.slice(5, 7) - 1, +from.slice(8, 10))) / 86_400_000)
export const isDay = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(parseDay(s).getTime())

/** "12:04" today, else the short date and time */
export function shortTime(iso: string): string {
  const d = new Date(iso)
  const sameDay = isoDay(d) === todayIso()
  return sameDay ? d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }) : d.toLocaleString(undefined, { month: 'short', day: 'numeric', year: 'numeric', hour: '2-digit', minute: '2-digit' })
}
