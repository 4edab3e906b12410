/**
 * What only the Billing screen's tabs share: roles, money cells, empty states, sections and day
 * arithmetic. The currency, state badges and payment words it shares with Checkout are in
 * ../billing-shared.
 */
import type { ReactNode } from 'react'
import { Paper, Stack, Table, Text, ThemeIcon } from '@mantine/core'
import type { TableTdProps, TableThProps } from '@mantine/core'
import { IconInbox } from '@tabler/icons-react'
import type { InvoiceSummary, Payment } from '../../../../src-preload/contract'
import { useMe } from '../../App'
import { money } from '../../format'
import { NUM } from '../billing-shared'

/** What the signed-in person may do on this screen, by the contract's access lists. */
export function useBillingRoles() {
  const me = useMe()
  const admin = me.role === 'admin'
  const desk = admin || me.role === 'front_desk'
  return { role: me.role, admin, desk }
}

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

export const KIND_LABEL: Record<InvoiceSummary['kind'], string> = { invoice: 'Invoice', estimate: 'Estimate', credit_note: 'Credit note' }

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

// ---- dates: calendar days (YYYY-MM-DD). Checkout, payments, plans and the card reconciliation count
// the clinic's days (useToday in ../billing-shared); the Financial Reports count UTC days (utcToday).
// The arithmetic below works on day strings as calendar days.

const pad = (n: number) => String(n).padStart(2, '0')
export const isoDay = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
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

/** "12:04" today, else the short date and time (today on the local calendar: this is a clock time, shown locally) */
export function shortTime(iso: string): string {
  const d = new Date(iso)
  const sameDay = isoDay(d) === isoDay(new Date())
  return sameDay ? d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }) : d.toLocaleString(undefined, { month: 'short', day: 'numeric', year: 'numeric', hour: '2-digit', minute: '2-digit' })
}
