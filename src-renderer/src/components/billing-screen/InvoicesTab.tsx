import { useState } from 'react'
import { Alert, Badge, Button, Group, Loader, Pagination, Paper, SegmentedControl, Select, Table, Text, TextInput } from '@mantine/core'
import type { InvoiceSummary, MethodInput } from '../../../../src-preload/contract'
import { useCall } from '../../api/hooks'
import { date, money } from '../../format'
import { INVOICE_STATE, InvoiceStateBadge, NUM, useCurrency } from '../billing-shared'
import { EmptyRow, MoneyTd, NumTh } from './shared'

type StateFilter = NonNullable<MethodInput<'billing.invoices'>['state']> | 'all'
type KindFilter = NonNullable<MethodInput<'billing.invoices'>['kind']>

const STATES: { value: StateFilter; label: string }[] = [
  { value: 'all', label: 'All states' },
  { value: 'unpaid', label: 'Unpaid (open or partly paid)' },
  // the states in the words of the badges in the table
  ...(['draft', 'open', 'partially_paid', 'paid', 'void', 'written_off'] as const).map((s) => ({ value: s, label: INVOICE_STATE.ledger[s].label }))
]
const LIMIT = 200
export const PAGE = 50

/** Invoices, estimates and credit notes with their balances; a row opens the invoice's drawer. */
export function InvoicesTab({ onOpen }: { onOpen: (id: string) => void }) {
  const currency = useCurrency()
  const [state, setState] = useState<StateFilter>('all')
  const [kind, setKind] = useState<KindFilter>('invoice')
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const input: MethodInput<'billing.invoices'> = { kind, limit: LIMIT, ...(state !== 'all' ? { state } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) }
  const list = useCall('billing.invoices', input)
  const rows = list.data ?? []
  const [page, setPage] = useState(1)
  const pages = Math.max(1, Math.ceil(rows.length / PAGE))
  const shown = rows.slice((Math.min(page, pages) - 1) * PAGE, Math.min(page, pages) * PAGE)
  const filtered = state !== 'all' || !!from || !!to
  const totals = rows.reduce((t, r) => ({ total: t.total + r.totalMinor, settled: t.settled + settledOf(r), due: t.due + r.dueMinor }), { total: 0, settled: 0, due: 0 })
  const noun = kind === 'invoice' ? 'invoices' : kind === 'estimate' ? 'estimates' : 'credit notes'

  return (
    <>
      <Paper withBorder p="sm">
        <Group align="flex-end" gap="sm" wrap="wrap">
          <div>
            <Text size="sm" fw={500} mb={4}>
              Show
            </Text>
            <SegmentedControl
              value={kind}
              onChange={(v) => (setKind(v as KindFilter), setPage(1))}
              data={[
                { value: 'invoice', label: 'Invoices' },
                { value: 'estimate', label: 'Estimates' },
                { value: 'credit_note', label: 'Credit notes' }
              ]}
              data-testid="invoice-filter-kind"
            />
          </div>
          <Select label="State" w={240} data={STATES} value={state} onChange={(v) => (setState((v as StateFilter) ?? 'all'), setPage(1))} allowDeselect={false} data-testid="invoice-filter-state" />
          <TextInput label="From" type="date" w={160} value={from} onChange={(e) => (setFrom(e.currentTarget.value), setPage(1))} data-testid="invoice-filter-from" />
          <TextInput label="To" type="date" w={160} value={to} onChange={(e) => (setTo(e.currentTarget.value), setPage(1))} data-testid="invoice-filter-to" />
          {filtered && (
            <Button
              variant="subtle"
              onClick={() => {
                setState('all')
                setFrom('')
                setTo('')
              }}
              data-testid="invoice-filter-clear"
            >
              Clear filters
            </Button>
          )}
          {list.isFetching && <Loader size="xs" />}
        </Group>
      </Paper>
      {list.error && <Alert color="red">{list.error.message}</Alert>}
      <Paper withBorder>
        {list.isLoading ? (
          <Group justify="center" p="xl">
            <Loader />
          </Group>
        ) : (
          <Table.ScrollContainer minWidth={900}>
            <Table highlightOnHover verticalSpacing="xs" data-testid="invoice-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Number</Table.Th>
                  <Table.Th>Date</Table.Th>
                  <Table.Th>Client</Table.Th>
                  <Table.Th>Patient</Table.Th>
                  <Table.Th>State</Table.Th>
                  <NumTh>Total</NumTh>
                  <NumTh>{kind === 'credit_note' ? 'Off what was owed' : kind === 'estimate' ? 'Deposit' : 'Paid / credited'}</NumTh>
                  <NumTh>{kind === 'credit_note' ? 'To client credit' : 'Due'}</NumTh>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.length === 0 && (
                  <EmptyRow
                    cols={8}
                    testId="invoice-empty"
                    title={filtered ? `No ${noun} match these filters` : `No ${noun} yet`}
                    hint={
                      filtered
                        ? 'Widen the dates or choose "All states".'
                        : kind === 'invoice'
                          ? 'Invoices are made at Checkout from a visit’s charges; they appear here once drafted.'
                          : kind === 'estimate'
                            ? 'Estimates are drafted for a client before the work; convert one here when the client agrees.'
                            : 'A credit note corrects a finalized invoice: open the invoice and choose "Credit note".'
                    }
                  />
                )}
                {shown.map((r) => (
                  <InvoiceRow key={r.id} r={r} currency={currency} onOpen={onOpen} />
                ))}
              </Table.Tbody>
              {rows.length > 1 && (
                <Table.Tfoot>
                  <Table.Tr>
                    <Table.Th colSpan={5}>
                      <Text size="sm" fw={600}>
                        {rows.length} {noun}
                        {rows.length >= LIMIT ? ` (the newest ${LIMIT}: narrow the dates to see older ones)` : ''}
                      </Text>
                    </Table.Th>
                    <MoneyTd minor={totals.total} currency={currency} strong testId="invoice-total-total" />
                    <MoneyTd minor={kind === 'credit_note' ? rows.reduce((s, r) => s + (r.appliedMinor ?? 0), 0) : totals.settled} currency={currency} strong />
                    <MoneyTd minor={kind === 'credit_note' ? rows.reduce((s, r) => s + r.totalMinor - (r.appliedMinor ?? 0), 0) : totals.due} currency={currency} strong testId="invoice-total-due" />
                  </Table.Tr>
                </Table.Tfoot>
              )}
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      {pages > 1 && (
        <Group justify="space-between">
          <Text size="sm" c="dimmed">
            {(Math.min(page, pages) - 1) * PAGE + 1}–{Math.min(Math.min(page, pages) * PAGE, rows.length)} of {rows.length}
          </Text>
          <Pagination total={pages} value={Math.min(page, pages)} onChange={setPage} size="sm" data-testid="invoice-pages" />
        </Group>
      )}
    </>
  )
}

/** What paid or reduced an invoice; an estimate's deposit. */
function settledOf(r: InvoiceSummary): number {
  return r.kind === 'estimate' ? r.depositMinor : r.kind === 'credit_note' ? (r.appliedMinor ?? 0) : r.paidMinor + r.creditedMinor
}

function InvoiceRow({ r, currency, onOpen }: { r: InvoiceSummary; currency: string; onOpen: (id: string) => void }) {
  return (
    <Table.Tr className="clickable-row" tabIndex={0} onClick={() => onOpen(r.id)} onKeyDown={(e) => e.key === 'Enter' && onOpen(r.id)} data-testid={`invoice-row-${r.id}`}>
      <Table.Td>
        <Group gap={6} wrap="nowrap">
          <Text size="sm" fw={600} ff="monospace">
            {r.number ?? (r.kind === 'estimate' ? 'Estimate' : 'Draft')}
          </Text>
          {r.planId && (
            <Badge size="xs" variant="outline" color="indigo">
              plan
            </Badge>
          )}
        </Group>
      </Table.Td>
      <Table.Td style={NUM}>{date(r.finalizedAt ?? r.createdAt)}</Table.Td>
      <Table.Td>{r.clientName}</Table.Td>
      <Table.Td>{r.patientName ?? <Text span c="dimmed" size="sm">—</Text>}</Table.Td>
      <Table.Td>
        <InvoiceStateBadge invoice={r} words="ledger" testId={`invoice-state-${r.id}`} />
      </Table.Td>
      <MoneyTd minor={r.totalMinor} currency={currency} />
      {r.kind === 'invoice' ? (
        <Table.Td ta="right" style={NUM}>
          <Text span size="sm" c={r.paidMinor ? undefined : 'dimmed'} style={NUM}>
            {r.paidMinor || !r.creditedMinor ? money(r.paidMinor, currency) : ''}
          </Text>
          {r.creditedMinor > 0 && (
            <Text size="xs" c="grape" style={NUM}>
              {r.paidMinor ? '+ ' : ''}
              {money(r.creditedMinor, currency)} credited
            </Text>
          )}
        </Table.Td>
      ) : (
        <MoneyTd minor={settledOf(r)} currency={currency} dashIfZero />
      )}
      {r.kind === 'credit_note' ? (
        <MoneyTd minor={r.totalMinor - (r.appliedMinor ?? 0)} currency={currency} dashIfZero />
      ) : r.kind === 'estimate' ? (
        <Table.Td ta="right">
          <Text span size="sm" c="dimmed">
            —
          </Text>
        </Table.Td>
      ) : (
        <MoneyTd minor={r.dueMinor} currency={currency} dashIfZero strong={r.dueMinor > 0} testId={`invoice-due-${r.id}`} />
      )}
    </Table.Tr>
  )
}
