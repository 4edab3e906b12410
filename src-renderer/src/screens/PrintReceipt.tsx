/**
 * A receipt for one or more payments (a split payment is one receipt), to print or save as PDF:
 * the clinic, the client, each payment (method, amount, card or reference, change given) and the
 * invoices it paid with what is still due. Opened in the app's window; Back returns to Checkout.
 */
import { Alert, Anchor, Button, Center, Divider, Group, Loader, Stack, Table, Text, Title } from '@mantine/core'
import { useQueries } from '@tanstack/react-query'
import { IconArrowLeft, IconPrinter } from '@tabler/icons-react'
import { useLocation, useNavigate, useParams } from 'react-router-dom'
import type { Invoice, Payment } from '../../../src-preload/contract'
import type { ApiClientError } from '../api/client'
import { useApi, useCall } from '../api/hooks'
import { dateTime, money } from '../format'
import { NUM, netAllocations, paymentHow } from '../components/billing-shared'

const PRINT_CSS = `
@media print {
  body { background: white !important; }
  .mantine-Notifications-root { display: none !important; }
  @page { margin: 14mm; }
  .receipt-sheet { box-shadow: none !important; border: none !important; margin: 0 !important; padding: 0 !important; max-width: none !important; }
}
`

export function PrintReceipt() {
  const { paymentIds = '' } = useParams()
  const ids = [...new Set(paymentIds.split(',').map((s) => s.trim()).filter(Boolean))]
  const api = useApi()
  const navigate = useNavigate()
  const location = useLocation()
  const back = (location.state as { back?: string } | null)?.back ?? '/checkout'
  const clinic = useCall('clinic.get', {})
  const payments = useQueries({
    queries: ids.map((paymentId) => ({ queryKey: ['billing.payment', { paymentId }], queryFn: () => api.call('billing.payment', { paymentId }) }))
  })
  const paid = payments.map((q) => q.data).filter((p): p is Payment => !!p)
  const invoiceIds = [...new Set(paid.flatMap((p) => [...p.allocations.map((a) => a.invoiceId), ...(p.depositFor ? [p.depositFor] : [])]))]
  const invoices = useQueries({
    queries: invoiceIds.map((invoiceId) => ({ queryKey: ['billing.invoice', { invoiceId }], queryFn: () => api.call('billing.invoice', { invoiceId }) }))
  })
  const clientId = paid[0]?.clientId
  const client = useCall('clients.get', { id: clientId ?? '' }, { enabled: !!clientId })

  const error = (payments.find((q) => q.error)?.error ?? clinic.error) as ApiClientError | null | undefined
  const toolbar = (
    <Group justify="space-between" className="no-print" maw={760} mx="auto" w="100%" px="md" pt="md">
      <Button variant="default" leftSection={<IconArrowLeft size={16} />} onClick={() => navigate(back)} data-testid="receipt-back">
        Back
      </Button>
      <Group gap="sm">
        <Text size="xs" c="dimmed" maw={300} ta="right">
          To keep a PDF, choose “Save as PDF” as the printer in the print dialog.
        </Text>
        <Button leftSection={<IconPrinter size={16} />} onClick={() => window.print()} disabled={!paid.length} data-testid="receipt-print">
          Print receipt
        </Button>
      </Group>
    </Group>
  )
  if (ids.length === 0)
    return (
      <Stack>
        {toolbar}
        <Alert color="red" maw={760} w="100%" mx="auto" data-testid="receipt-error">
          No payment was named for this receipt.
        </Alert>
      </Stack>
    )
  if (error)
    return (
      <Stack>
        {toolbar}
        <Alert color="red" maw={760} w="100%" mx="auto" title="This receipt cannot be shown" data-testid="receipt-error">
          {error.code === 'invalid-input' || error.code === 'not-found' ? 'The payment it names does not exist: open the receipt again from Checkout or the client’s billing.' : error.message}
        </Alert>
      </Stack>
    )
  if (!clinic.data || paid.length < ids.length || invoices.some((q) => q.isLoading))
    return (
      <Center h="100vh">
        <Loader />
      </Center>
    )

  const c = clinic.data
  const currency = c.currency
  const fmt = (minor: number) => money(minor, currency)
  const byId = new Map(invoices.map((q) => q.data).filter((i): i is Invoice => !!i).map((i) => [i.id, i]))
  const received = paid.filter((p) => p.status === 'succeeded')
  const notTaken = paid.filter((p) => p.status !== 'succeeded')
  // Client credit used is not money handed over: listed, and totalled apart.
  const creditUsed = received.filter((p) => p.method === 'credit').reduce((s, p) => s + p.amountMinor, 0)
  const total = received.filter((p) => p.method !== 'credit').reduce((s, p) => s + p.amountMinor, 0)
  const refunded = received.reduce((s, p) => s + p.refundedMinor, 0)
  const allocated = received.reduce((s, p) => s + p.allocations.reduce((x, a) => x + a.amountMinor, 0), 0)
  const deposits = received.filter((p) => p.depositFor)
  const depositTotal = deposits.reduce((s, p) => s + p.amountMinor, 0)
  const toCredit = total + creditUsed - allocated - depositTotal
  const at = paid.map((p) => p.receivedAt).sort().at(-1)!
  const patients = [...new Set([...byId.values()].map((i) => i.patientName).filter(Boolean))]
  const appliedHere = (invoiceId: string) => received.reduce((s, p) => s + (netAllocations(p).get(invoiceId) ?? 0), 0)
  const paidInvoices = [...byId.values()].filter((i) => i.kind === 'invoice')
  const estimates = [...byId.values()].filter((i) => i.kind === 'estimate')
  const owner = client.data?.client

  return (
    <Stack gap={0} pb="xl">
      <style>{PRINT_CSS}</style>
      {toolbar}
      <Stack
        className="receipt-sheet"
        p="xl"
        mt="md"
        maw={760}
        mx="auto"
        w="100%"
        bg="white"
        style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 'var(--mantine-radius-md)' }}
        data-testid="receipt"
      >
        <Group justify="space-between" align="flex-start">
          <div>
            <Title order={3} data-testid="receipt-clinic">
              {c.name}
            </Title>
            {c.address && <Text size="sm">{c.address}</Text>}
            {c.phone && <Text size="sm">{c.phone}</Text>}
            {c.email && <Text size="sm">{c.email}</Text>}
          </div>
          <div style={{ textAlign: 'right' }}>
            <Title order={3} c="teal.8">
              Receipt
            </Title>
            <Text size="sm" data-testid="receipt-date">
              {dateTime(at)}
            </Text>
          </div>
        </Group>
        <Divider />
        <Group justify="space-between" align="flex-start">
          <div>
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              Received from
            </Text>
            <Text fw={600} data-testid="receipt-client">
              {paid[0].clientName}
            </Text>
            {owner?.address && <Text size="sm">{owner.address}</Text>}
          </div>
          {patients.length > 0 && (
            <div style={{ textAlign: 'right' }}>
              <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                For
              </Text>
              <Text fw={600}>{patients.join(', ')}</Text>
            </div>
          )}
        </Group>

        <Table verticalSpacing={6} data-testid="receipt-payments">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Date</Table.Th>
              <Table.Th>Payment</Table.Th>
              <Table.Th ta="right">Amount</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {received.map((p) => (
              <Table.Tr key={p.id} data-testid="receipt-payment" data-method={p.method}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime(p.receivedAt)}</Table.Td>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {paymentHow(p)}
                  </Text>
                  {p.method === 'cash' && (
                    <Text size="xs" c="dimmed">
                      Handed over <span style={NUM}>{fmt(p.amountMinor + p.changeDueMinor)}</span> · change{' '}
                      <span style={NUM} data-testid="receipt-change-due">
                        {fmt(p.changeDueMinor)}
                      </span>
                    </Text>
                  )}
                  {p.depositFor && (
                    <Text size="xs" c="dimmed">
                      Deposit on an estimate
                    </Text>
                  )}
                  {p.refunds
                    .filter((r) => r.status === 'succeeded')
                    .map((r) => (
                      <Text key={r.id} size="xs" c="orange.8">
                        Refunded <span style={NUM}>{fmt(r.amountMinor)}</span> on {dateTime(r.settledAt ?? r.requestedAt)}
                      </Text>
                    ))}
                </Table.Td>
                <Table.Td ta="right" style={NUM}>
                  {fmt(p.amountMinor)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Stack gap={2} ml="auto" w={320}>
          <Group justify="space-between">
            <Text fw={700}>Total received</Text>
            <Text fw={700} style={NUM} data-testid="receipt-total">
              {fmt(total)}
            </Text>
          </Group>
          {creditUsed > 0 && (
            <Group justify="space-between">
              <Text size="sm">Paid from your credit</Text>
              <Text size="sm" style={NUM} data-testid="receipt-credit-used">
                {fmt(creditUsed)}
              </Text>
            </Group>
          )}
          {refunded > 0 && (
            <Group justify="space-between">
              <Text size="sm">Refunded since</Text>
              <Text size="sm" style={NUM}>
                −{fmt(refunded)}
              </Text>
            </Group>
          )}
          {toCredit > 0 && (
            <Group justify="space-between">
              <Text size="sm">Kept as your credit</Text>
              <Text size="sm" style={NUM} data-testid="receipt-to-credit">
                {fmt(toCredit)}
              </Text>
            </Group>
          )}
        </Stack>

        {paidInvoices.length > 0 && (
          <>
            <Text size="xs" c="dimmed" tt="uppercase" fw={600} mt="sm">
              Applied to
            </Text>
            <Table verticalSpacing={6} data-testid="receipt-invoices">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Invoice</Table.Th>
                  <Table.Th>Patient</Table.Th>
                  <Table.Th ta="right">Total</Table.Th>
                  <Table.Th ta="right">This receipt</Table.Th>
                  <Table.Th ta="right">Paid to date</Table.Th>
                  <Table.Th ta="right">Still due</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {paidInvoices.map((i) => (
                  <Table.Tr key={i.id} data-testid="receipt-invoice">
                    <Table.Td>{i.number}</Table.Td>
                    <Table.Td>{i.patientName ?? '—'}</Table.Td>
                    <Table.Td ta="right" style={NUM}>
                      {fmt(i.totalMinor)}
                    </Table.Td>
                    <Table.Td ta="right" style={NUM}>
                      {fmt(appliedHere(i.id))}
                    </Table.Td>
                    <Table.Td ta="right" style={NUM}>
                      {fmt(i.paidMinor + i.creditedMinor)}
                    </Table.Td>
                    <Table.Td ta="right" fw={700} style={NUM} data-testid="receipt-invoice-due">
                      {fmt(Math.max(0, i.dueMinor))}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </>
        )}
        {estimates.map((e) => (
          <Text key={e.id} size="sm" data-testid="receipt-deposit">
            Deposit of <span style={NUM}>{fmt(received.filter((p) => p.depositFor === e.id).reduce((s, p) => s + p.amountMinor, 0))}</span> on the estimate
            {e.patientName ? ` for ${e.patientName}` : ''} (estimated <span style={NUM}>{fmt(e.totalMinor)}</span>): it is held as your credit and applied to the invoice when the work is done.
          </Text>
        ))}
        {notTaken.length > 0 && (
          <Text size="xs" c="dimmed" className="no-print">
            {notTaken.length === 1 ? 'One card attempt' : `${notTaken.length} card attempts`} named here did not go through and are not on this receipt.
          </Text>
        )}
        <Divider mt="sm" />
        <Text size="xs" c="dimmed" ta="center">
          Thank you. Printed {dateTime(new Date().toISOString())} from VetOS
          {c.phone ? ` · Questions about this receipt: ${c.phone}` : ''}.
        </Text>
      </Stack>
      <Text size="xs" c="dimmed" ta="center" mt="sm" className="no-print">
        <Anchor component="button" size="xs" onClick={() => navigate('/checkout')}>
          Go to Checkout
        </Anchor>
      </Text>
    </Stack>
  )
}
