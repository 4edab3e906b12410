import { Fragment, useState } from 'react'
import { Alert, Badge, Button, Group, Loader, Modal, Pagination, Paper, Select, Stack, Table, Text, TextInput } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconArrowBackUp, IconCornerDownRight } from '@tabler/icons-react'
import { PAYMENT_METHODS, type MethodInput, type Payment } from '../../../../src-preload/contract'
import { useAction, useCall } from '../../api/hooks'
import { money, parseMoney } from '../../format'
import { fieldErrors } from '../forms'
import { FormProblems } from '../FormProblems'
import { PAGE } from './InvoicesTab'
import { METHOD_LABEL, NUM, PaymentStatusBadge, RefundStatusBadge, methodDetail, moneyText, useCurrency } from '../billing-shared'
import { EmptyRow, MoneyTd, NumTh, refundable, shortTime, useBillingRoles } from './shared'

const LIMIT = 200
type MethodFilter = Payment['method'] | 'all'

/** Payments received and card payments tried, newest first, with their refunds beneath them. */
export function PaymentsTab() {
  const currency = useCurrency()
  const { desk } = useBillingRoles()
  const [method, setMethod] = useState<MethodFilter>('all')
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const [refunding, setRefunding] = useState<Payment | null>(null)
  const input: MethodInput<'billing.payments'> = { limit: LIMIT, ...(method !== 'all' ? { method } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) }
  const list = useCall('billing.payments', input)
  const rows = list.data ?? []
  const [page, setPage] = useState(1)
  const pages = Math.max(1, Math.ceil(rows.length / PAGE))
  const at = Math.min(page, pages)
  const shown = rows.slice((at - 1) * PAGE, at * PAGE)
  const filtered = method !== 'all' || !!from || !!to
  const received = rows.filter((p) => p.status === 'succeeded')
  const totalIn = received.reduce((s, p) => s + p.amountMinor, 0)
  const totalBack = received.reduce((s, p) => s + p.refundedMinor, 0)
  const COLS = 8

  return (
    <>
      <Paper withBorder p="sm">
        <Group align="flex-end" gap="sm">
          <Select
            label="Method"
            w={200}
            data={[{ value: 'all', label: 'All methods' }, ...PAYMENT_METHODS.map((m) => ({ value: m, label: METHOD_LABEL[m] }))]}
            value={method}
            onChange={(v) => (setMethod((v as MethodFilter) ?? 'all'), setPage(1))}
            allowDeselect={false}
            data-testid="payment-filter-method"
          />
          <TextInput label="From" type="date" w={160} value={from} onChange={(e) => (setFrom(e.currentTarget.value), setPage(1))} data-testid="payment-filter-from" />
          <TextInput label="To" type="date" w={160} value={to} onChange={(e) => (setTo(e.currentTarget.value), setPage(1))} data-testid="payment-filter-to" />
          {filtered && (
            <Button
              variant="subtle"
              onClick={() => {
                setMethod('all')
                setFrom('')
                setTo('')
              }}
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
            <Table verticalSpacing="xs" data-testid="payment-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Received</Table.Th>
                  <Table.Th>Client</Table.Th>
                  <Table.Th>Method</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <NumTh>Amount</NumTh>
                  <NumTh>Refunded</NumTh>
                  <Table.Th />
                  <Table.Th w={0} />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.length === 0 && (
                  <EmptyRow
                    cols={COLS}
                    testId="payment-empty"
                    title={filtered ? 'No payments match these filters' : 'No payments yet'}
                    hint={filtered ? 'Widen the dates or choose "All methods".' : 'Payments are taken at Checkout; each one shows here with its refunds.'}
                  />
                )}
                {shown.map((p) => (
                  <PaymentRows key={p.id} p={p} currency={currency} canRefund={desk} onRefund={() => setRefunding(p)} />
                ))}
              </Table.Tbody>
              {received.length > 0 && (
                <Table.Tfoot>
                  <Table.Tr>
                    <Table.Th colSpan={4}>
                      <Text size="sm" fw={600}>
                        {received.length} received{rows.length >= LIMIT ? ` (of the newest ${LIMIT}: narrow the dates to see older ones)` : ''}
                        {method === 'all' && received.some((p) => p.method === 'credit') ? ' · includes client credit applied' : ''}
                      </Text>
                    </Table.Th>
                    <MoneyTd minor={totalIn} currency={currency} strong testId="payment-total-received" />
                    <MoneyTd minor={totalBack} currency={currency} strong dashIfZero testId="payment-total-refunded" />
                    <Table.Th colSpan={2} />
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
            {(at - 1) * PAGE + 1}–{Math.min(at * PAGE, rows.length)} of {rows.length}
          </Text>
          <Pagination total={pages} value={at} onChange={setPage} size="sm" data-testid="payment-pages" />
        </Group>
      )}
      {refunding && <RefundModal p={refunding} currency={currency} onClose={() => setRefunding(null)} />}
    </>
  )
}

function PaymentRows({ p, currency, canRefund, onRefund }: { p: Payment; currency: string; canRefund: boolean; onRefund: () => void }) {
  const left = refundable(p)
  const pending = p.refunds.some((r) => r.status === 'pending')
  const detail = methodDetail(p)
  const dim = p.status === 'failed' || p.status === 'canceled'
  const refundOk = canRefund && p.status === 'succeeded' && p.method !== 'credit' && left > 0
  return (
    <Fragment>
      <Table.Tr data-testid={`payment-row-${p.id}`} data-status={p.status} style={{ opacity: dim ? 0.75 : 1 }}>
        <Table.Td style={NUM}>{shortTime(p.receivedAt)}</Table.Td>
        <Table.Td>{p.clientName}</Table.Td>
        <Table.Td>
          <Text size="sm">
            {METHOD_LABEL[p.method]}
            {p.depositFor && (
              <Badge size="xs" variant="outline" color="cyan" ml={6}>
                deposit
              </Badge>
            )}
          </Text>
          {detail && (
            <Text size="xs" c="dimmed" ff={p.method === 'card' ? 'monospace' : undefined} data-testid={`payment-detail-${p.id}`}>
              {detail}
            </Text>
          )}
        </Table.Td>
        <Table.Td>
          <PaymentStatusBadge payment={p} words="ledger" testId={`payment-status-${p.id}`} />
          {p.failure && (
            <Text size="xs" c="red.7" mt={2} maw={260} data-testid={`payment-failure-${p.id}`}>
              {p.failure}
            </Text>
          )}
        </Table.Td>
        <Table.Td ta="right" style={NUM}>
          <Text span size="sm" fw={600} td={dim ? 'line-through' : undefined} c={dim ? 'dimmed' : undefined} style={NUM} data-testid={`payment-amount-${p.id}`} data-minor={p.amountMinor}>
            {money(p.amountMinor, currency)}
          </Text>
          {p.changeDueMinor > 0 && (
            <Text size="xs" c="dimmed" style={NUM}>
              change {money(p.changeDueMinor, currency)}
            </Text>
          )}
        </Table.Td>
        <MoneyTd minor={p.refundedMinor} currency={currency} dashIfZero color={p.refundedMinor ? 'orange.8' : undefined} testId={`payment-refunded-${p.id}`} />
        <Table.Td ta="right">
          {refundOk && (
            <Button size="compact-xs" variant="subtle" color="orange" leftSection={<IconArrowBackUp size={14} />} onClick={onRefund} disabled={pending} title={pending ? 'A refund of this payment is still under way' : undefined} data-testid="refund-open" data-payment-id={p.id}>
              Refund
            </Button>
          )}
        </Table.Td>
        <Table.Td />
      </Table.Tr>
      {p.refunds.map((r) => (
        <Table.Tr key={r.id} bg="gray.0" data-testid={`refund-row-${r.id}`} data-status={r.status}>
          <Table.Td style={NUM}>
            <Group gap={4} wrap="nowrap" pl="xs">
              <IconCornerDownRight size={14} color="var(--mantine-color-gray-6)" />
              <Text size="sm">{shortTime(r.settledAt ?? r.requestedAt)}</Text>
            </Group>
          </Table.Td>
          <Table.Td colSpan={2}>
            <Text size="sm" c="dimmed" lineClamp={2}>
              Refund{r.reason ? `: ${r.reason}` : ''}
            </Text>
          </Table.Td>
          <Table.Td>
            <Group gap={6} wrap="nowrap">
              <RefundStatusBadge refund={r} words="ledger" testId={`refund-status-${r.id}`} />
              {r.status === 'pending' && <Loader size={12} />}
            </Group>
            {r.failure && (
              <Text size="xs" c="red.7" mt={2} maw={260}>
                {r.failure}
              </Text>
            )}
          </Table.Td>
          <Table.Td />
          <MoneyTd minor={-r.amountMinor} currency={currency} color={r.status === 'failed' ? 'dimmed' : 'orange.8'} testId={`refund-amount-${r.id}`} td={r.status === 'failed' ? 'line-through' : undefined} />
          <Table.Td colSpan={2} />
        </Table.Tr>
      ))}
    </Fragment>
  )
}

/**
 * Gives back all or part of a payment by its own method. One idempotency key per press of the
 * button: a retry of the same press is answered with the same refund. A card refund comes back
 * pending and settles through the live events.
 */
function RefundModal({ p, currency, onClose }: { p: Payment; currency: string; onClose: () => void }) {
  const left = refundable(p)
  const [amount, setAmount] = useState(moneyText(left, currency))
  const [reason, setReason] = useState('')
  const refund = useAction('billing.refund', (r) => {
    if (r.status === 'pending') notifications.show({ color: 'yellow', title: 'Refund sent', message: `${money(r.amountMinor, currency)} to ${p.clientName}'s card: it shows as pending until the payment service confirms.` })
    else if (r.status === 'succeeded') notifications.show({ color: 'orange', title: 'Refunded', message: `${money(r.amountMinor, currency)} ${p.method === 'cash' ? 'in cash' : `by ${METHOD_LABEL[p.method].toLowerCase()}`} to ${p.clientName}.` })
    else notifications.show({ color: 'red', title: 'Refund failed', message: r.failure ?? 'The refund did not go through.' })
    onClose()
  })
  const errors = fieldErrors(refund.error)
  const minor = parseMoney(amount, currency)
  const amountError = minor === null ? 'must be an amount' : minor <= 0 ? 'must be more than nothing' : minor > left ? `at most ${money(left, currency)} is left to refund` : null
  return (
    <Modal opened onClose={onClose} title={<Text fw={600}>Refund a {METHOD_LABEL[p.method].toLowerCase()} payment</Text>} data-testid="refund-modal">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          if (minor === null || minor <= 0 || minor > left) return
          refund.mutate({ paymentId: p.id, amountMinor: minor, reason, idempotencyKey: crypto.randomUUID() })
        }}
      >
        <Stack>
          <Paper withBorder p="sm" bg="gray.0">
            <Group justify="space-between">
              <div>
                <Text fw={600}>{p.clientName}</Text>
                <Text size="sm" c="dimmed">
                  {shortTime(p.receivedAt)} · {METHOD_LABEL[p.method]}
                  {methodDetail(p) ? ` · ${methodDetail(p)}` : ''}
                </Text>
              </div>
              <div style={{ textAlign: 'right' }}>
                <Text fw={700} style={NUM}>
                  {money(p.amountMinor, currency)}
                </Text>
                {left !== p.amountMinor && (
                  <Text size="xs" c="dimmed" style={NUM}>
                    {money(left, currency)} left to refund
                  </Text>
                )}
              </div>
            </Group>
          </Paper>
          <TextInput
            label="Amount"
            description={`Up to ${money(left, currency)}. It comes out of the client’s credit first, then reopens what the payment paid.`}
            value={amount}
            onChange={(e) => setAmount(e.currentTarget.value)}
            error={amountError ?? errors.amountMinor}
            styles={{ input: { ...NUM } }}
            data-autofocus
            data-testid="refund-amount"
          />
          <TextInput label="Reason" description="Goes in the audit log with your name." value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={errors.reason} required maxLength={300} data-testid="refund-reason" />
          {p.method === 'card' && (
            <Text size="sm" c="dimmed">
              The money goes back to the card through the payment service; the refund shows as pending until it confirms.
            </Text>
          )}
          <FormProblems error={refund.error} fields={['amountMinor', 'reason']} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color="orange" loading={refund.isPending} disabled={!!amountError || !reason.trim()} data-testid="refund-submit">
              Refund {minor && minor > 0 ? money(minor, currency) : ''}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
