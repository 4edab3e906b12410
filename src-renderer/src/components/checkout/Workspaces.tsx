/**
 * Checkout's right side: the selected visit's invoice and estimates, or a client's open items
 * (taking a payment without a visit). Each invoice shows its lines, Finalize while a draft, then
 * Take payment and the payments made on it.
 */
import { useEffect, useState } from 'react'
import { Alert, Anchor, Badge, Button, Group, Loader, Paper, Select, Stack, Table, Tabs, Text, Title } from '@mantine/core'
import { IconArrowRight, IconFileInvoice, IconFilePlus, IconLock, IconWallet } from '@tabler/icons-react'
import { Link } from 'react-router-dom'
import type { CheckoutVisit, Invoice, InvoiceSummary } from '../../../../src-preload/contract'
import { useAction, useCall } from '../../api/hooks'
import { date } from '../../format'
import { InvoiceView, invoiceTitle } from './InvoiceView'
import { InvoicePayments } from './InvoicePayments'
import { PaymentPanel } from './PaymentPanel'
import { Amount, InvoiceStateBadge, NUM, clinicTime, useMoney } from '../billing-shared'
import { visitStatusLabel } from './VisitList'

/** What the client owes and the credit held for them. */
export function ClientBalance({ clientId }: { clientId: string }) {
  const account = useCall('billing.clientAccount', { clientId })
  const fmt = useMoney()
  if (!account.data) return null
  return (
    <Group gap="lg" wrap="nowrap">
      <div>
        <Text size="xs" c="dimmed" ta="right">
          Balance owed
        </Text>
        <Text fw={700} ta="right" c={account.data.owedMinor > 0 ? 'red.8' : undefined} style={NUM} data-testid="client-owed">
          {fmt(account.data.owedMinor)}
        </Text>
      </div>
      <div>
        <Text size="xs" c="dimmed" ta="right">
          Credit
        </Text>
        <Text fw={700} ta="right" c={account.data.creditMinor > 0 ? 'blue.8' : undefined} style={NUM} data-testid="client-credit">
          {fmt(account.data.creditMinor)}
        </Text>
      </div>
    </Group>
  )
}

/** One invoice at the desk: lines, Finalize (draft), Take payment (finalized), payments made. */
export function InvoiceWorkspace({ invoiceId }: { invoiceId: string }) {
  const inv = useCall('billing.invoice', { invoiceId })
  const finalize = useAction('billing.finalizeInvoice')
  const [attempts, setAttempts] = useState<string[]>([])
  useEffect(() => setAttempts([]), [invoiceId])
  if (inv.isLoading) return <Loader />
  if (inv.error) return <Alert color="red">{inv.error.message}</Alert>
  const invoice = inv.data!
  const draft = invoice.status === 'draft'
  return (
    <Stack>
      <InvoiceView
        invoice={invoice}
        actions={
          draft && (
            <Button leftSection={<IconLock size={16} />} onClick={() => finalize.mutate({ invoiceId })} loading={finalize.isPending} disabled={invoice.lines.length === 0} data-testid="invoice-finalize">
              Finalize invoice
            </Button>
          )
        }
      />
      {finalize.error && (
        <Alert color="red" data-testid="finalize-error">
          {finalize.error.message}
        </Alert>
      )}
      {draft && (
        <Text size="sm" c="dimmed">
          Finalize the invoice to take payment: it gets its number and its lines are frozen (a later correction is a credit note).
        </Text>
      )}
      {invoice.kind === 'invoice' && invoice.status === 'finalized' && <PaymentPanel clientId={invoice.clientId} target={{ kind: 'invoice', invoice }} onPayment={(p) => setAttempts((a) => [...a, p.id])} />}
      {(invoice.status === 'void' || invoice.status === 'written_off') && (
        <Alert color="gray">
          This invoice is {invoice.status === 'void' ? 'void' : 'written off'}
          {invoice.statusReason ? `: ${invoice.statusReason}` : ''}.
        </Alert>
      )}
      <InvoicePayments invoice={invoice} attempts={attempts} />
    </Stack>
  )
}

/** The selected visit: its invoice, or its estimates. */
export function VisitCheckout({ visit, tab, onTab, estimateId, onEstimate }: { visit: CheckoutVisit; tab: string; onTab: (t: string) => void; estimateId: string | null; onEstimate: (id: string | null) => void }) {
  const create = useAction('billing.createInvoice')
  const account = useCall('billing.clientAccount', { clientId: visit.clientId })
  const estimates = (account.data?.invoices ?? []).filter((i) => i.kind === 'estimate' && i.patientId === visit.patientId)
  const openEstimates = estimates.filter((e) => e.status === 'draft')
  return (
    <Stack data-testid="checkout-visit" data-visit-id={visit.visitId}>
      <Paper withBorder p="md">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <div>
            <Group gap="xs">
              <Title order={3} data-testid="checkout-patient">
                <Anchor component={Link} to={`/patients/${visit.patientId}`} inherit c="inherit">
                  {visit.patientName}
                </Anchor>
              </Title>
              <Badge variant="light" color="gray">
                {visitStatusLabel(visit.visitStatus)}
              </Badge>
            </Group>
            <Text size="sm">
              <Anchor component={Link} to={`/clients/${visit.clientId}`} data-testid="checkout-client">
                {visit.clientName}
              </Anchor>
              {' · '}
              {visit.reason}
            </Text>
            <Text size="xs" c="dimmed">
              {clinicTime(visit.at, { weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })}
            </Text>
          </div>
          <ClientBalance clientId={visit.clientId} />
        </Group>
      </Paper>
      <Tabs value={tab} onChange={(t) => onTab(t ?? 'invoice')} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="invoice" leftSection={<IconFileInvoice size={16} />} data-testid="checkout-tab-invoice">
            Invoice
          </Tabs.Tab>
          <Tabs.Tab value="estimates" leftSection={<IconFilePlus size={16} />} data-testid="checkout-tab-estimates" rightSection={openEstimates.length ? <Badge size="xs" circle>{openEstimates.length}</Badge> : undefined}>
            Estimates
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="invoice" pt="md">
          {visit.invoice ? (
            <InvoiceWorkspace invoiceId={visit.invoice.id} />
          ) : (
            <Paper withBorder p="xl" data-testid="no-invoice">
              <Stack align="center" gap="xs">
                <Text fw={600}>No invoice for this visit yet</Text>
                <Text size="sm" c="dimmed" ta="center">
                  Start one to add what was done from the price list; charges from lab orders and imaging join it by themselves.
                  {openEstimates.length > 0 ? ' Or convert the visit’s estimate (Estimates tab).' : ''}
                </Text>
                <Button
                  mt="xs"
                  leftSection={<IconFileInvoice size={16} />}
                  loading={create.isPending}
                  onClick={() => create.mutate({ clientId: visit.clientId, patientId: visit.patientId, visitId: visit.visitId, kind: 'invoice' })}
                  data-testid="invoice-start"
                >
                  Start invoice
                </Button>
                {create.error && <Alert color="red">{create.error.message}</Alert>}
              </Stack>
            </Paper>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="estimates" pt="md">
          <Estimates
            clientId={visit.clientId}
            patientId={visit.patientId}
            visitId={visit.visitId}
            estimates={estimates}
            selected={estimateId}
            onSelect={onEstimate}
            onConverted={() => {
              onEstimate(null)
              onTab('invoice')
            }}
          />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  )
}

/** A client's estimates (for one patient on a visit): new, lines, deposits, Convert to invoice. */
export function Estimates({
  clientId,
  patientId,
  visitId,
  estimates,
  selected,
  onSelect,
  onConverted
}: {
  clientId: string
  patientId: string | null
  visitId: string | null
  estimates: InvoiceSummary[]
  selected: string | null
  onSelect: (id: string | null) => void
  onConverted: (invoiceId: string) => void
}) {
  const create = useAction('billing.createInvoice', (e) => onSelect(e.id))
  const current = selected ?? (estimates.length === 1 ? estimates[0].id : null)
  return (
    <Stack>
      <Paper withBorder p="md" data-testid="estimates">
        <Group justify="space-between" mb="xs">
          <Title order={5}>Estimates</Title>
          <Button size="xs" leftSection={<IconFilePlus size={16} />} loading={create.isPending} onClick={() => create.mutate({ clientId, patientId, visitId, kind: 'estimate' })} data-testid="estimate-new">
            New estimate
          </Button>
        </Group>
        {create.error && <Alert color="red">{create.error.message}</Alert>}
        {estimates.length === 0 ? (
          <Text size="sm" c="dimmed">
            No estimates yet. An estimate lists the expected charges; a deposit can be taken on it, and it becomes the invoice when the work is done.
          </Text>
        ) : (
          <Table verticalSpacing={4} highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Started</Table.Th>
                <Table.Th>Patient</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th ta="right">Total</Table.Th>
                <Table.Th ta="right">Deposits</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {estimates.map((e) => (
                <Table.Tr
                  key={e.id}
                  className="clickable-row"
                  tabIndex={0}
                  onClick={() => onSelect(e.id)}
                  onKeyDown={(k) => k.key === 'Enter' && onSelect(e.id)}
                  data-testid="estimate-row"
                  data-selected={e.id === current || undefined}
                  bg={e.id === current ? 'teal.0' : undefined}
                >
                  <Table.Td>{date(e.createdAt)}</Table.Td>
                  <Table.Td>{e.patientName ?? '—'}</Table.Td>
                  <Table.Td>
                    <InvoiceStateBadge invoice={e} />
                  </Table.Td>
                  <Table.Td ta="right">
                    <Amount minor={e.totalMinor} />
                  </Table.Td>
                  <Table.Td ta="right">{e.depositMinor ? <Amount minor={e.depositMinor} /> : <Text span size="sm" c="dimmed">—</Text>}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
      {current && <EstimateDetail estimateId={current} onConverted={onConverted} />}
    </Stack>
  )
}

export function EstimateDetail({ estimateId, onConverted }: { estimateId: string; onConverted: (invoiceId: string) => void }) {
  const est = useCall('billing.invoice', { invoiceId: estimateId })
  const convert = useAction('billing.convertEstimate', (inv) => onConverted(inv.id))
  const [attempts, setAttempts] = useState<string[]>([])
  if (est.isLoading) return <Loader />
  if (est.error) return <Alert color="red">{est.error.message}</Alert>
  const e: Invoice = est.data!
  const open = e.status === 'draft'
  const converted = e.status === 'finalized' && !!e.relatedId
  return (
    <Stack>
      <InvoiceView
        invoice={e}
        testId="estimate-view"
        actions={
          open ? (
            <Button leftSection={<IconArrowRight size={16} />} onClick={() => convert.mutate({ estimateId })} loading={convert.isPending} disabled={e.lines.length === 0} data-testid="estimate-convert">
              Convert to invoice
            </Button>
          ) : converted ? (
            <Button variant="light" rightSection={<IconArrowRight size={16} />} onClick={() => onConverted(e.relatedId!)} data-testid="estimate-open-invoice">
              Open its invoice
            </Button>
          ) : null
        }
      />
      {convert.error && <Alert color="red">{convert.error.message}</Alert>}
      {open && <PaymentPanel clientId={e.clientId} target={{ kind: 'deposit', estimate: e }} onPayment={(p) => setAttempts((a) => [...a, p.id])} />}
      <InvoicePayments invoice={e} attempts={attempts} />
    </Stack>
  )
}

const OPEN_STATES = new Set(['draft', 'open', 'partially_paid'])

/** A client picked from the search: their open invoices and estimates, a new one, or a payment on account. */
export function ClientCheckout({
  clientId,
  selected,
  onSelect
}: {
  clientId: string
  /** invoice:<id>, estimate:<id>, account, or null */
  selected: string | null
  onSelect: (s: string | null) => void
}) {
  const detail = useCall('clients.get', { id: clientId })
  const account = useCall('billing.clientAccount', { clientId })
  const [patientId, setPatientId] = useState<string | null>(null)
  const create = useAction('billing.createInvoice', (inv) => onSelect(`${inv.kind === 'estimate' ? 'estimate' : 'invoice'}:${inv.id}`))
  if (detail.isLoading || account.isLoading) return <Loader />
  if (detail.error) return <Alert color="red">{detail.error.message}</Alert>
  const { client, patients } = detail.data!
  const invoices = (account.data?.invoices ?? []).filter((i) => i.kind === 'invoice' && OPEN_STATES.has(i.state))
  const estimates = (account.data?.invoices ?? []).filter((i) => i.kind === 'estimate')
  const [kind, id] = selected?.split(':') ?? [null, null]
  const pets = patients.filter((p) => !p.deceasedAt)
  return (
    <Stack data-testid="checkout-client-view">
      <Paper withBorder p="md">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <div>
            <Text size="xs" c="dimmed">
              Client
            </Text>
            <Title order={3}>
              <Anchor component={Link} to={`/clients/${client.id}`} inherit c="inherit">
                {client.firstName} {client.lastName}
              </Anchor>
            </Title>
            <Text size="sm" c="dimmed">
              {pets.map((p) => p.name).join(', ') || 'No patients'}
            </Text>
          </div>
          <ClientBalance clientId={clientId} />
        </Group>
        <Group mt="md" gap={8} align="flex-end">
          <Select
            label="For"
            w={160}
            size="sm"
            placeholder="No particular pet"
            clearable
            data={pets.map((p) => ({ value: p.id, label: p.name }))}
            value={patientId}
            onChange={setPatientId}
            data-testid="checkout-client-patient"
          />
          <Button variant="default" size="sm" leftSection={<IconFileInvoice size={16} />} loading={create.isPending && create.variables?.kind === 'invoice'} onClick={() => create.mutate({ clientId, patientId, kind: 'invoice' })} data-testid="client-new-invoice">
            New invoice
          </Button>
          <Button variant="default" size="sm" leftSection={<IconFilePlus size={16} />} loading={create.isPending && create.variables?.kind === 'estimate'} onClick={() => create.mutate({ clientId, patientId, kind: 'estimate' })} data-testid="client-new-estimate">
            New estimate
          </Button>
          <Button variant={kind === 'account' ? 'filled' : 'default'} size="sm" leftSection={<IconWallet size={16} />} onClick={() => onSelect('account')} data-testid="client-pay-on-account">
            Pay on account
          </Button>
        </Group>
        {create.error && (
          <Alert color="red" mt="sm">
            {create.error.message}
          </Alert>
        )}
      </Paper>
        <Paper withBorder p="md" data-testid="client-open-items">
          <Title order={5} mb="xs">
            Open invoices and estimates
          </Title>
          {invoices.length + estimates.filter((e) => e.status === 'draft').length === 0 ? (
            <Text size="sm" c="dimmed">
              Nothing open: every invoice is paid. Start a new one above, or take a payment on account.
            </Text>
          ) : (
            <Table verticalSpacing={4} highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Document</Table.Th>
                  <Table.Th>Patient</Table.Th>
                  <Table.Th>State</Table.Th>
                  <Table.Th ta="right">Total</Table.Th>
                  <Table.Th ta="right">Due</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {[...invoices, ...estimates.filter((e) => e.status === 'draft')].map((i) => {
                  const key = `${i.kind === 'estimate' ? 'estimate' : 'invoice'}:${i.id}`
                  const active = selected === key
                  return (
                    <Table.Tr key={i.id} className="clickable-row" tabIndex={0} bg={active ? 'teal.0' : undefined} onClick={() => onSelect(key)} onKeyDown={(k) => k.key === 'Enter' && onSelect(key)} data-testid="client-open-item" data-selected={active || undefined}>
                      <Table.Td>
                        <Text size="sm" fw={500}>
                          {invoiceTitle(i)}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {date(i.finalizedAt ?? i.createdAt)}
                        </Text>
                      </Table.Td>
                      <Table.Td>{i.patientName ?? '—'}</Table.Td>
                      <Table.Td>
                        <InvoiceStateBadge invoice={i} />
                      </Table.Td>
                      <Table.Td ta="right">
                        <Amount minor={i.totalMinor} />
                      </Table.Td>
                      <Table.Td ta="right">{i.kind === 'invoice' && i.status === 'finalized' ? <Amount minor={i.dueMinor} bold /> : <Text span size="sm" c="dimmed">—</Text>}</Table.Td>
                    </Table.Tr>
                  )
                })}
              </Table.Tbody>
            </Table>
          )}
        </Paper>
      {kind === 'invoice' && id && <InvoiceWorkspace key={id} invoiceId={id} />}
      {kind === 'estimate' && id && <EstimateDetail key={id} estimateId={id} onConverted={(inv) => onSelect(`invoice:${inv}`)} />}
      {kind === 'account' && <PaymentPanel clientId={clientId} target={{ kind: 'account' }} />}
    </Stack>
  )
}
