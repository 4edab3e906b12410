/**
 * The payments made on one invoice (or taken as deposits on one estimate), card attempts that did
 * not go through included, and the receipt for them.
 */
import { Button, Group, Paper, Table, Text, Title, Tooltip } from '@mantine/core'
import { IconReceipt } from '@tabler/icons-react'
import { useLocation, useNavigate } from 'react-router-dom'
import type { Invoice, Payment } from '../../../../src-preload/contract'
import { useCall } from '../../api/hooks'
import { dateTime } from '../../format'
import { Amount, PaymentStatusBadge, netAllocations, paymentHow, useMoney } from '../billing-shared'

/** Opens the receipt for these payments in this window; its Back returns here. */
export function useOpenReceipt(): (paymentIds: string[]) => void {
  const navigate = useNavigate()
  const location = useLocation()
  return (ids) => navigate(`/receipts/${ids.join(',')}`, { state: { back: `${location.pathname}${location.search}` } })
}

/** What of the payment went to this invoice (all of a deposit on this estimate). */
function appliedTo(p: Payment, doc: Invoice): number | null {
  if (doc.kind === 'estimate') return p.depositFor === doc.id ? p.amountMinor : null
  return netAllocations(p).get(doc.id) ?? null
}

export function InvoicePayments({ invoice, attempts = [] }: { invoice: Invoice; attempts?: string[] }) {
  const account = useCall('billing.clientAccount', { clientId: invoice.clientId })
  const openReceipt = useOpenReceipt()
  const fmt = useMoney()
  const tried = new Set(attempts)
  const rows = (account.data?.payments ?? []).filter((p) => appliedTo(p, invoice) !== null || tried.has(p.id)).sort((a, b) => a.receivedAt.localeCompare(b.receivedAt))
  const received = rows.filter((p) => p.status === 'succeeded')
  if (rows.length === 0) return null
  const deposit = invoice.kind === 'estimate'
  return (
    <Paper withBorder p="md" data-testid="invoice-payments">
      <Group justify="space-between" mb="xs">
        <Title order={5}>{deposit ? 'Deposits on this estimate' : 'Payments on this invoice'}</Title>
        {received.length > 0 && (
          <Button size="xs" variant="light" leftSection={<IconReceipt size={16} />} onClick={() => openReceipt(received.map((p) => p.id))} data-testid="receipt-button">
            {received.length > 1 ? `Receipt (${received.length} payments)` : 'Receipt'}
          </Button>
        )}
      </Group>
      <Table verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>Method</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th ta="right">Amount</Table.Th>
            <Table.Th ta="right">{deposit ? 'Deposit' : 'Applied'}</Table.Th>
            <Table.Th w={40} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((p) => {
            const applied = appliedTo(p, invoice)
            return (
              <Table.Tr key={p.id} data-testid="invoice-payment" data-status={p.status} data-method={p.method}>
                <Table.Td>
                  <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                    {dateTime(p.receivedAt)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{paymentHow(p)}</Text>
                  {p.method === 'cash' && p.changeDueMinor > 0 && (
                    <Text size="xs" c="dimmed">
                      {fmt(p.amountMinor + p.changeDueMinor)} handed over · {fmt(p.changeDueMinor)} change
                    </Text>
                  )}
                  {p.failure && (
                    <Text size="xs" c={p.status === 'failed' ? 'red' : 'dimmed'} data-testid="invoice-payment-failure">
                      {p.failure}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <PaymentStatusBadge payment={p} />
                </Table.Td>
                <Table.Td ta="right">
                  <Amount minor={p.amountMinor} dimmed={p.status !== 'succeeded'} />
                </Table.Td>
                <Table.Td ta="right">{applied !== null && p.status === 'succeeded' ? <Amount minor={applied} /> : <Text span size="sm" c="dimmed">—</Text>}</Table.Td>
                <Table.Td>
                  {p.status === 'succeeded' && (
                    <Tooltip label="Receipt for this payment">
                      <Button size="compact-xs" variant="subtle" onClick={() => openReceipt([p.id])} aria-label="Receipt for this payment" data-testid="payment-receipt">
                        <IconReceipt size={14} />
                      </Button>
                    </Tooltip>
                  )}
                </Table.Td>
              </Table.Tr>
            )
          })}
        </Table.Tbody>
      </Table>
    </Paper>
  )
}
