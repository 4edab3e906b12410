/**
 * Checkout's left column: the day's visits with the state of their invoice, the day picked with
 * previous/next, and a client search to take a payment without a visit.
 */
import { useState } from 'react'
import { ActionIcon, Badge, Button, Group, Loader, Paper, SegmentedControl, Stack, Text, TextInput, Title, Tooltip, UnstyledButton } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { IconChevronLeft, IconChevronRight, IconSearch } from '@tabler/icons-react'
import type { CheckoutVisit, Client } from '../../../../src-preload/contract'
import { useCall } from '../../api/hooks'
import { Amount, InvoiceStateBadge, clinicTime, useToday } from '../billing-shared'
import { dayLabel, shiftDay } from './shared'

const VISIT_STATUS: Record<string, { label: string; color: string }> = {
  booked: { label: 'Booked', color: 'gray' },
  checked_in: { label: 'Checked in', color: 'blue' },
  in_progress: { label: 'In progress', color: 'teal' },
  completed: { label: 'Completed', color: 'green' },
  cancelled: { label: 'Cancelled', color: 'red' }
}

export function visitStatusLabel(s: string): string {
  return VISIT_STATUS[s]?.label ?? s.replace(/_/g, ' ')
}

/** Still something to do at the desk: no invoice, a draft, or money due. */
export function needsCheckout(v: CheckoutVisit): boolean {
  return !v.invoice || v.invoice.state === 'draft' || v.invoice.state === 'open' || v.invoice.state === 'partially_paid'
}


export function DayPicker({ day, onChange }: { day: string; onChange: (day: string) => void }) {
  const today = useToday()
  return (
    <Group gap={4} wrap="nowrap">
      <Tooltip label="Previous day">
        <ActionIcon variant="default" size="lg" aria-label="Previous day" onClick={() => onChange(shiftDay(day, -1))} data-testid="checkout-prev-day">
          <IconChevronLeft size={18} />
        </ActionIcon>
      </Tooltip>
      <TextInput
        type="date"
        aria-label="Day"
        value={day}
        onChange={(e) => e.currentTarget.value && onChange(e.currentTarget.value)}
        w={150}
        data-testid="checkout-date"
      />
      <Tooltip label="Next day">
        <ActionIcon variant="default" size="lg" aria-label="Next day" onClick={() => onChange(shiftDay(day, 1))} data-testid="checkout-next-day">
          <IconChevronRight size={18} />
        </ActionIcon>
      </Tooltip>
      {day !== today && (
        <Button variant="subtle" size="xs" onClick={() => onChange(today)} data-testid="checkout-today">
          Today
        </Button>
      )}
    </Group>
  )
}

export function VisitList({ day, onDay, selected, onSelect }: { day: string; onDay: (d: string) => void; selected: string | null; onSelect: (v: CheckoutVisit) => void }) {
  const visits = useCall('billing.checkout', { date: day })
  const [filter, setFilter] = useState<'todo' | 'all'>('all')
  const rows = visits.data ?? []
  const todo = rows.filter(needsCheckout)
  const shown = filter === 'todo' ? todo : rows
  return (
    <Paper withBorder p="sm" data-testid="checkout-visits">
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <Title order={5}>Visits</Title>
          <DayPicker day={day} onChange={onDay} />
        </Group>
        <Group justify="space-between">
          <Text size="sm" c="dimmed" data-testid="checkout-day-label">
            {dayLabel(day)}
          </Text>
          <SegmentedControl
            size="xs"
            value={filter}
            onChange={(v) => setFilter(v as 'todo' | 'all')}
            data={[
              { value: 'all', label: <span data-testid="checkout-filter-all">All {rows.length}</span> },
              { value: 'todo', label: <span data-testid="checkout-filter-todo">To check out {todo.length}</span> }
            ]}
          />
        </Group>
        {visits.isLoading && <Loader size="sm" />}
        {visits.error && <Text c="red" size="sm">{visits.error.message}</Text>}
        {visits.isSuccess && shown.length === 0 && (
          <Text c="dimmed" size="sm" py="md" ta="center" data-testid="checkout-no-visits">
            {rows.length === 0 ? 'No visits on this day.' : 'Every visit on this day is checked out.'}
          </Text>
        )}
        <div style={{ maxHeight: 'calc(100vh - 400px)', overflowY: 'auto', paddingRight: 2 }}>
          <Stack gap={6}>
            {shown.map((v) => (
              <VisitRow key={v.visitId} v={v} selected={v.visitId === selected} onSelect={() => onSelect(v)} />
            ))}
          </Stack>
        </div>
      </Stack>
    </Paper>
  )
}

function VisitRow({ v, selected, onSelect }: { v: CheckoutVisit; selected: boolean; onSelect: () => void }) {
  const inv = v.invoice
  const st = VISIT_STATUS[v.visitStatus]
  return (
    <UnstyledButton
      onClick={onSelect}
      data-testid={`checkout-visit-${v.visitId}`}
      data-selected={selected || undefined}
      aria-current={selected || undefined}
      p="xs"
      style={{
        borderRadius: 'var(--mantine-radius-md)',
        border: `1px solid ${selected ? 'var(--mantine-color-teal-5)' : 'var(--mantine-color-gray-3)'}`,
        background: selected ? 'var(--mantine-color-teal-0)' : 'white',
        opacity: needsCheckout(v) ? 1 : 0.75
      }}
    >
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <div style={{ minWidth: 0, flex: 1 }}>
          <Group gap={6} wrap="nowrap">
            <Text fw={600} size="sm" truncate>
              {v.patientName}
            </Text>
            <Text size="xs" c="dimmed">
              {/* on the clinic's clock: the list is the clinic's day */}
              {clinicTime(v.at)}
            </Text>
          </Group>
          <Text size="xs" c="dimmed" truncate>
            {v.clientName}
          </Text>
          <Text size="xs" truncate>
            {v.reason}
          </Text>
        </div>
        <Stack gap={4} align="flex-end" style={{ flexShrink: 0 }}>
          <InvoiceStateBadge invoice={inv} testId="checkout-visit-state" />
          {inv && inv.state !== 'draft' && inv.dueMinor > 0 && (
            <Text size="xs" data-testid="checkout-visit-due">
              due <Amount minor={inv.dueMinor} bold size="xs" />
            </Text>
          )}
          {inv && inv.state === 'draft' && (
            <Text size="xs" c="dimmed" data-testid="checkout-visit-due">
              <Amount minor={inv.totalMinor} dimmed size="xs" /> so far
            </Text>
          )}
          {inv && inv.state === 'paid' && <Amount minor={inv.totalMinor} dimmed size="xs" />}
          <Badge size="xs" variant="dot" color={st?.color ?? 'gray'}>
            {visitStatusLabel(v.visitStatus)}
          </Badge>
        </Stack>
      </Group>
    </UnstyledButton>
  )
}

/**
 * Finds a client by name or phone: Checkout's payment without a visit, and a patient's new owner
 * (ChangeOwnerDialog, which names its own test ids, has no title and leaves out the current owner).
 */
export function ClientSearch({
  selected,
  onPick,
  title = 'Payment without a visit',
  testId = 'checkout-client',
  excludeId
}: {
  selected: string | null
  onPick: (clientId: string, client: Client) => void
  title?: string | null
  testId?: string
  excludeId?: string
}) {
  const [query, setQuery] = useState('')
  const [debounced] = useDebouncedValue(query.trim(), 200)
  const results = useCall('clients.search', { query: debounced, limit: 8 }, { enabled: debounced.length > 0 })
  const found = (results.data ?? []).filter((c) => c.id !== excludeId)
  return (
    <Paper withBorder p="sm">
      <Stack gap="xs">
        {title && <Title order={5}>{title}</Title>}
        <TextInput
          leftSection={<IconSearch size={16} />}
          rightSection={results.isFetching ? <Loader size="xs" /> : null}
          placeholder="Client name or phone"
          aria-label="Find a client"
          value={query}
          onChange={(e) => setQuery(e.currentTarget.value)}
          data-testid={`${testId}-search`}
        />
        {debounced && results.isSuccess && found.length === 0 && (
          <Text size="sm" c="dimmed">
            No client matches “{debounced}”.
          </Text>
        )}
        {debounced &&
          found.map((c) => {
            const phone = c.contacts.find((x) => x.kind === 'phone' && x.isPrimary) ?? c.contacts.find((x) => x.kind === 'phone')
            const active = c.id === selected
            return (
              <UnstyledButton
                key={c.id}
                onClick={() => onPick(c.id, c)}
                p={6}
                className="clickable-row"
                style={{ borderRadius: 'var(--mantine-radius-sm)', background: active ? 'var(--mantine-color-teal-0)' : undefined }}
                data-testid={`${testId}-${c.id}`}
              >
                <Group justify="space-between" wrap="nowrap">
                  <Text size="sm" fw={500}>
                    {c.firstName} {c.lastName}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {phone?.value ?? ''}
                  </Text>
                </Group>
              </UnstyledButton>
            )
          })}
      </Stack>
    </Paper>
  )
}
