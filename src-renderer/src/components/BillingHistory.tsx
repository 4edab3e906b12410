/**
 * A client's billing history, read-only: what they owe and the credit held for them, their invoices
 * (credit notes under the invoice they correct) and estimates, payments (failed card attempts
 * included) and refunds. On a patient's page the documents are that patient's; the balance and
 * credit stay the client's (they belong to the owner, not the pet).
 */
import { Fragment } from 'react'
import { ActionIcon, Alert, Button, Group, Loader, Paper, SimpleGrid, Stack, Table, Text, Title, Tooltip } from '@mantine/core'
import { IconCashRegister, IconReceipt } from '@tabler/icons-react'
import { Link } from 'react-router-dom'
import type { Invoice, Payment } from '../../../src-preload/contract'
import { useCall } from '../api/hooks'
import { date, dateTime } from '../format'
import { Amount, InvoiceStateBadge, NUM, PaymentStatusBadge, RefundStatusBadge, netAllocations, paymentHow, useMoney } from './billing-shared'
import { invoiceTitle } from './checkout/InvoiceView'
import { useOpenReceipt } from './checkout/InvoicePayments'

export function BillingHistory({ clientId, patientId }: { clientId: string; patientId?: string }) {
  const account = useCall('billing.clientAccount', { clientId })
  const fmt = useMoney()
  const openReceipt = useOpenReceipt()
  if (account.isLoading) return <Loader />
  if (account.error) return <Alert color="red">{account.error.message}</Alert>
  const a = account.data!
  const mine = (i: Invoice) => !patientId || i.patientId === patientId
  const all = a.invoices
  const byId = new Map(all.map((i) => [i.id, i]))
  const creditNotes = all.filter((i) => i.kind === 'credit_note')
  const docs = all.filter((i) => i.kind !== 'credit_note' && mine(i))
  // A credit note whose invoice is not listed here (another pet's) is listed only on the client.
  const docIds = new Set(docs.map((d) => d.id))
  const looseNotes = patientId ? [] : creditNotes.filter((n) => !n.relatedId || !byId.has(n.relatedId))
  const owedHere = docs.filter((i) => i.kind === 'invoice' && i.status === 'finalized').reduce((s, i) => s + Math.max(0, i.dueMinor), 0)

  // On a patient: the payments that paid this patient's invoices or were deposits on its estimates,
  // and those tied to no invoice (payments on account, card attempts that did not go through).
  const touches = (p: Payment) => p.allocations.some((x) => docIds.has(x.invoiceId)) || (!!p.depositFor && docIds.has(p.depositFor))
  const loose = (p: Payment) => p.allocations.length === 0 && !p.depositFor
  const payments = patientId ? a.payments.filter((p) => touches(p) || loose(p)) : a.payments
  const refunds = payments.flatMap((p) => p.refunds.map((r) => ({ ...r, payment: p }))).sort((x, y) => y.requestedAt.localeCompare(x.requestedAt))
  const appliedTo = (p: Payment) => {
    if (p.status !== 'succeeded') return '—'
    if (p.depositFor) return 'Deposit on an estimate'
    const net = netAllocations(p)
    const paid = [...net.values()].reduce((s, x) => s + x, 0)
    const parts = [...net].filter(([, x]) => x > 0).map(([id, x]) => `${byId.get(id)?.number ?? 'an invoice'}${net.size > 1 ? ` (${fmt(x)})` : ''}`)
    // What paid no invoice (an overpayment, a payment on account) waits as credit; a refund gave some back.
    const rest = p.amountMinor - p.refundedMinor - paid
    if (p.method !== 'credit' && rest > 0) parts.push(parts.length ? `${fmt(rest)} to credit` : 'Client credit')
    return parts.join(' · ') || '—'
  }

  return (
    <Stack data-testid="billing-history">
      <Group justify="space-between" align="flex-end">
        <SimpleGrid cols={patientId ? 3 : 2} spacing="md" style={{ flex: 1 }} maw={patientId ? 720 : 480}>
          <Paper withBorder p="sm">
            <Text size="xs" c="dimmed">
              {patientId ? 'Client’s balance owed' : 'Balance owed'}
            </Text>
            <Text size="xl" fw={700} c={a.owedMinor > 0 ? 'red.8' : undefined} style={NUM} data-testid="billing-owed">
              {fmt(a.owedMinor)}
            </Text>
          </Paper>
          {patientId && (
            <Paper withBorder p="sm">
              <Text size="xs" c="dimmed">
                Owed for this patient
              </Text>
              <Text size="xl" fw={700} style={NUM} data-testid="billing-owed-patient">
                {fmt(owedHere)}
              </Text>
            </Paper>
          )}
          <Paper withBorder p="sm">
            <Text size="xs" c="dimmed">
              {patientId ? 'Client’s credit' : 'Credit'}
            </Text>
            <Text size="xl" fw={700} c={a.creditMinor > 0 ? 'blue.8' : undefined} style={NUM} data-testid="billing-credit">
              {fmt(a.creditMinor)}
            </Text>
          </Paper>
        </SimpleGrid>
        <Button component={Link} to={`/checkout?client=${clientId}`} leftSection={<IconCashRegister size={16} />} variant="light" data-testid="billing-open-checkout">
          Open in Checkout
        </Button>
      </Group>

      <Paper withBorder p="md">
        <Title order={5} mb="xs">
          Invoices and estimates
        </Title>
        <Table verticalSpacing={6} data-testid="billing-invoices">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Document</Table.Th>
              <Table.Th>Date</Table.Th>
              {!patientId && <Table.Th>Patient</Table.Th>}
              <Table.Th>State</Table.Th>
              <Table.Th ta="right">Total</Table.Th>
              <Table.Th ta="right">Paid</Table.Th>
              <Table.Th ta="right">Due</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {docs.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={7}>
                  <Text size="sm" c="dimmed">
                    No invoices yet.
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
            {docs.map((i) => {
              const notes = creditNotes.filter((n) => n.relatedId === i.id)
              const finalized = i.kind === 'invoice' && i.status !== 'draft'
              return (
                <Fragment key={i.id}>
                  <Table.Tr data-testid="billing-invoice" data-state={i.state} data-kind={i.kind}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {invoiceTitle(i)}
                      </Text>
                      {i.kind === 'estimate' && i.depositMinor > 0 && (
                        <Text size="xs" c="dimmed">
                          deposits {fmt(i.depositMinor)}
                        </Text>
                      )}
                      {(i.status === 'void' || i.status === 'written_off') && i.statusReason && (
                        <Text size="xs" c="dimmed">
                          {i.statusReason}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{date(i.finalizedAt ?? i.createdAt)}</Table.Td>
                    {!patientId && <Table.Td>{i.patientName ?? '—'}</Table.Td>}
                    <Table.Td>
                      <InvoiceStateBadge invoice={i} />
                    </Table.Td>
                    <Table.Td ta="right">
                      <Amount minor={i.totalMinor} />
                    </Table.Td>
                    <Table.Td ta="right">{finalized ? <Amount minor={i.paidMinor} /> : <Dash />}</Table.Td>
                    <Table.Td ta="right">{finalized && i.status === 'finalized' ? <Amount minor={Math.max(0, i.dueMinor)} bold={i.dueMinor > 0} /> : <Dash />}</Table.Td>
                  </Table.Tr>
                  {notes.map((n) => (
                    <Table.Tr key={n.id} data-testid="billing-credit-note" bg="gray.0">
                      <Table.Td pl="xl">
                        <Text size="sm">↳ {invoiceTitle(n)}</Text>
                        {n.statusReason && (
                          <Text size="xs" c="dimmed">
                            {n.statusReason}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{date(n.finalizedAt ?? n.createdAt)}</Table.Td>
                      {!patientId && <Table.Td />}
                      <Table.Td>
                        <InvoiceStateBadge invoice={n} />
                      </Table.Td>
                      <Table.Td ta="right">
                        <Amount minor={-n.totalMinor} />
                      </Table.Td>
                      <Table.Td colSpan={2}>
                        <Text size="xs" c="dimmed" ta="right">
                          {n.appliedMinor !== null && n.appliedMinor < n.totalMinor ? `${fmt(n.appliedMinor ?? 0)} off what was owed, ${fmt(n.totalMinor - (n.appliedMinor ?? 0))} to credit` : 'off what was owed'}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Fragment>
              )
            })}
            {looseNotes.map((n) => (
              <Table.Tr key={n.id} data-testid="billing-credit-note">
                <Table.Td>{invoiceTitle(n)}</Table.Td>
                <Table.Td>{date(n.finalizedAt ?? n.createdAt)}</Table.Td>
                {!patientId && <Table.Td>{n.patientName ?? '—'}</Table.Td>}
                <Table.Td>
                  <InvoiceStateBadge invoice={n} />
                </Table.Td>
                <Table.Td ta="right">
                  <Amount minor={-n.totalMinor} />
                </Table.Td>
                <Table.Td colSpan={2} />
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>

      <Paper withBorder p="md">
        <Title order={5} mb="xs">
          Payments
        </Title>
        {patientId && (
          <Text size="xs" c="dimmed" mb="xs">
            Payments on this patient’s invoices, and the client’s payments tied to no invoice.
          </Text>
        )}
        <Table verticalSpacing={6} data-testid="billing-payments">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Date</Table.Th>
              <Table.Th>Method</Table.Th>
              <Table.Th>Applied to</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th ta="right">Amount</Table.Th>
              <Table.Th ta="right">Refunded</Table.Th>
              <Table.Th w={40} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {payments.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={7}>
                  <Text size="sm" c="dimmed">
                    No payments yet.
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
            {payments.map((p) => (
              <Table.Tr key={p.id} data-testid="billing-payment" data-status={p.status} data-method={p.method}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime(p.receivedAt)}</Table.Td>
                <Table.Td>
                  <Text size="sm">{paymentHow(p)}</Text>
                  {p.failure && (
                    <Text size="xs" c={p.status === 'failed' ? 'red' : 'dimmed'}>
                      {p.failure}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{appliedTo(p)}</Text>
                </Table.Td>
                <Table.Td>
                  <PaymentStatusBadge payment={p} />
                </Table.Td>
                <Table.Td ta="right">
                  <Amount minor={p.amountMinor} dimmed={p.status !== 'succeeded'} />
                </Table.Td>
                <Table.Td ta="right">{p.refundedMinor > 0 ? <Amount minor={p.refundedMinor} color="orange.8" /> : <Dash />}</Table.Td>
                <Table.Td>
                  {p.status === 'succeeded' && (
                    <Tooltip label="Receipt">
                      <ActionIcon variant="subtle" size="sm" aria-label="Receipt for this payment" onClick={() => openReceipt([p.id])} data-testid="billing-payment-receipt">
                        <IconReceipt size={14} />
                      </ActionIcon>
                    </Tooltip>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>

      {refunds.length > 0 && (
        <Paper withBorder p="md">
          <Title order={5} mb="xs">
            Refunds
          </Title>
          <Table verticalSpacing={6} data-testid="billing-refunds">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Date</Table.Th>
                <Table.Th>Of the payment</Table.Th>
                <Table.Th>Reason</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th ta="right">Amount</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {refunds.map((r) => (
                <Table.Tr key={r.id} data-testid="billing-refund" data-status={r.status}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime(r.settledAt ?? r.requestedAt)}</Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {paymentHow(r.payment)} of {date(r.payment.receivedAt)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{r.reason}</Text>
                    {r.failure && (
                      <Text size="xs" c="red">
                        {r.failure}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <RefundStatusBadge refund={r} />
                  </Table.Td>
                  <Table.Td ta="right">
                    <Amount minor={r.amountMinor} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
    </Stack>
  )
}

function Dash() {
  return (
    <Text span size="sm" c="dimmed">
      —
    </Text>
  )
}
