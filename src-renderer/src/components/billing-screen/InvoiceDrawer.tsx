import { useState, type ReactNode } from 'react'
import { Alert, Anchor, Badge, Button, Divider, Drawer, Group, Loader, Paper, SimpleGrid, Stack, Table, Text, Title, Tooltip } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconArrowsExchange, IconBan, IconCalendarDollar, IconReceiptRefund, IconReceiptOff } from '@tabler/icons-react'
import { Link } from 'react-router-dom'
import type { Invoice, Payment, PaymentPlan } from '../../../../src-preload/contract'
import { useAction, useCall } from '../../api/hooks'
import { date, dateTime, money } from '../../format'
import { askReason } from '../../prompt'
import { CreditNoteModal } from './CreditNoteModal'
import { PlanModal } from './PlanModal'
import { PlanCard } from './PlansTab'
import { CATEGORY_LABEL, InvoiceStateBadge, METHOD_LABEL, NUM, PaymentStatusBadge, methodDetail, quantity, useCurrency } from '../billing-shared'
import { EmptyState, KIND_LABEL, MoneyTd, NumTh, useBillingRoles } from './shared'

/** One invoice, estimate or credit note, opened from a list: lines, totals, what paid it, and what can be done to it. */
export function InvoiceDrawer({ invoiceId, onClose, onOpen }: { invoiceId: string | null; onClose: () => void; onOpen: (id: string) => void }) {
  const inv = useCall('billing.invoice', { invoiceId: invoiceId ?? '' }, { enabled: !!invoiceId })
  const d = inv.data && inv.data.id === invoiceId ? inv.data : null
  return (
    <Drawer
      opened={!!invoiceId}
      onClose={onClose}
      position="right"
      size={760}
      // Below the app's reason prompt (PromptHost, a modal at the default 200, mounted earlier in the page).
      zIndex={150}
      title={d ? <DrawerTitle inv={d} /> : <Text fw={600}>Invoice</Text>}
      data-testid="invoice-drawer"
    >
      {inv.error && <Alert color="red">{inv.error.message}</Alert>}
      {!d && !inv.error && (
        <Group justify="center" p="xl">
          <Loader />
        </Group>
      )}
      {d && <InvoiceDetail inv={d} onOpen={onOpen} />}
    </Drawer>
  )
}

function DrawerTitle({ inv }: { inv: Invoice }) {
  return (
    <Group gap="sm">
      <Title order={3} data-testid="invoice-drawer-number">
        {KIND_LABEL[inv.kind]} {inv.number ?? (inv.kind === 'estimate' ? '' : '(draft)')}
      </Title>
      <InvoiceStateBadge invoice={inv} words="ledger" testId="invoice-drawer-state" />
    </Group>
  )
}

function InvoiceDetail({ inv, onOpen }: { inv: Invoice; onOpen: (id: string) => void }) {
  const currency = useCurrency()
  const account = useCall('billing.clientAccount', { clientId: inv.clientId })
  const plans = useCall('billing.plans', { clientId: inv.clientId, includeEnded: true }, { enabled: inv.kind === 'invoice' })
  const creditNotes = (account.data?.invoices ?? []).filter((n) => n.kind === 'credit_note' && n.relatedId === inv.id)
  const applied = paymentsOn(inv.id, account.data?.payments ?? [])
  const myPlans = (plans.data ?? []).filter((p) => p.invoiceId === inv.id)
  const related = inv.relatedId ? (account.data?.invoices ?? []).find((i) => i.id === inv.relatedId) : undefined

  return (
    <Stack gap="md" data-testid="invoice-detail" data-invoice-id={inv.id}>
      <Stack gap={2}>
          <Text size="sm">
            <Text span c="dimmed">
              Client{' '}
            </Text>
            <Anchor component={Link} to={`/clients/${inv.clientId}`} fw={600} data-testid="invoice-drawer-client">
              {inv.clientName}
            </Anchor>
            {inv.patientId && (
              <>
                <Text span c="dimmed">
                  {' '}
                  · Patient{' '}
                </Text>
                <Anchor component={Link} to={`/patients/${inv.patientId}`} fw={600}>
                  {inv.patientName}
                </Anchor>
              </>
            )}
          </Text>
          <Text size="sm" c="dimmed">
            Created {dateTime(inv.createdAt)}
            {inv.finalizedAt && inv.kind !== 'estimate' ? ` · finalized ${dateTime(inv.finalizedAt)}` : ''}
          </Text>
          {inv.relatedId && (
            <Text size="sm">
              {inv.kind === 'estimate' ? 'Converted to ' : inv.kind === 'credit_note' ? 'Corrects ' : 'From '}
              <Anchor component="button" onClick={() => onOpen(inv.relatedId!)} data-testid="invoice-related">
                {related ? (related.number ? `${KIND_LABEL[related.kind].toLowerCase()} ${related.number}` : related.kind === 'estimate' ? `the estimate of ${date(related.createdAt)}` : `the draft ${KIND_LABEL[related.kind].toLowerCase()}`) : inv.kind === 'invoice' ? 'the estimate' : 'the invoice'}
              </Anchor>
            </Text>
          )}
      </Stack>
      <Actions inv={inv} onOpen={onOpen} creditNotes={creditNotes} />

      {inv.statusReason && (inv.status === 'void' || inv.status === 'written_off' || inv.kind === 'credit_note') && (
        <Alert color={inv.status === 'written_off' ? 'red' : inv.kind === 'credit_note' ? 'grape' : 'gray'} variant="light" data-testid="invoice-status-reason">
          <Text size="sm">
            <b>{inv.kind === 'credit_note' ? 'Reason' : inv.status === 'void' ? 'Voided' : 'Written off'}:</b> {inv.statusReason}
          </Text>
        </Alert>
      )}
      {inv.status === 'draft' && inv.kind === 'invoice' && (
        <Alert color="blue" variant="light">
          A draft can still change. Add lines and finalize it at{' '}
          <Anchor component={Link} to="/checkout" inherit>
            Checkout
          </Anchor>
          ; the client owes nothing until then.
        </Alert>
      )}

      <Totals inv={inv} currency={currency} />

      <LinesTable inv={inv} currency={currency} />

      {inv.kind === 'invoice' && inv.status !== 'draft' && (
        <Block title="Payments applied" testId="invoice-payments">
          {applied.length === 0 ? (
            <Text size="sm" c="dimmed">
              Nothing paid on this invoice yet. Take payments at Checkout.
            </Text>
          ) : (
            <Table verticalSpacing={6}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Received</Table.Th>
                  <Table.Th>Method</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <NumTh>Payment</NumTh>
                  <NumTh>Applied here</NumTh>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {applied.map(({ p, net, reopened }) => (
                  <Table.Tr key={p.id} data-testid={`invoice-payment-${p.id}`}>
                    <Table.Td style={NUM}>{dateTime(p.receivedAt)}</Table.Td>
                    <Table.Td>
                      {METHOD_LABEL[p.method]}
                      {methodDetail(p) && (
                        <Text span size="xs" c="dimmed">
                          {' '}
                          {methodDetail(p)}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <PaymentStatusBadge payment={p} words="ledger" />
                    </Table.Td>
                    <MoneyTd minor={p.amountMinor} currency={currency} />
                    <Table.Td ta="right" style={NUM}>
                      <Text size="sm" fw={600} style={NUM}>
                        {money(net, currency)}
                      </Text>
                      {reopened > 0 && (
                        <Text size="xs" c="orange" style={NUM}>
                          {money(reopened, currency)} reopened by refund
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Block>
      )}

      {inv.kind === 'invoice' && creditNotes.length > 0 && (
        <Block title="Credit notes" testId="invoice-credit-notes">
          <Table verticalSpacing={6}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Number</Table.Th>
                <Table.Th>Issued</Table.Th>
                <Table.Th>Reason</Table.Th>
                <NumTh>Total</NumTh>
                <NumTh>Off what was owed</NumTh>
                <NumTh>To client credit</NumTh>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {creditNotes.map((n) => (
                <Table.Tr key={n.id} className="clickable-row" onClick={() => onOpen(n.id)} data-testid={`invoice-credit-note-${n.id}`}>
                  <Table.Td ff="monospace" fz="sm">
                    {n.number}
                  </Table.Td>
                  <Table.Td style={NUM}>{date(n.finalizedAt ?? n.createdAt)}</Table.Td>
                  <Table.Td>
                    <Text size="sm" lineClamp={2}>
                      {n.statusReason}
                    </Text>
                  </Table.Td>
                  <MoneyTd minor={n.totalMinor} currency={currency} />
                  <MoneyTd minor={n.appliedMinor ?? 0} currency={currency} dashIfZero />
                  <MoneyTd minor={n.totalMinor - (n.appliedMinor ?? 0)} currency={currency} dashIfZero />
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Block>
      )}

      {myPlans.length > 0 && (
        <Block title="Payment plan" testId="invoice-plan">
          <Stack gap="sm">
            {myPlans.map((p: PaymentPlan) => (
              <PlanCard key={p.id} plan={p} currency={currency} compact />
            ))}
          </Stack>
        </Block>
      )}
    </Stack>
  )
}

function Block({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <div data-testid={testId}>
      <Divider label={title} labelPosition="left" mb="xs" styles={{ label: { fontSize: 'var(--mantine-font-size-sm)', fontWeight: 600, color: 'var(--mantine-color-dark-6)' } }} />
      {children}
    </div>
  )
}

/** Each payment that touched the invoice: what it applied, net of what refunds reopened. */
function paymentsOn(invoiceId: string, payments: Payment[]) {
  return payments
    .map((p) => {
      const mine = p.allocations.filter((a) => a.invoiceId === invoiceId)
      return { p, net: mine.reduce((s, a) => s + a.amountMinor, 0), reopened: -mine.filter((a) => a.amountMinor < 0).reduce((s, a) => s + a.amountMinor, 0), touched: mine.length > 0 }
    })
    .filter((x) => x.touched)
    .sort((a, b) => a.p.receivedAt.localeCompare(b.p.receivedAt))
}

function Figure({ label, minor, currency, color, testId, hint }: { label: string; minor: number; currency: string; color?: string; testId: string; hint?: string }) {
  return (
    <Paper withBorder p="xs" radius="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fw={700} size="lg" c={color} style={NUM} data-testid={testId} data-minor={minor}>
        {money(minor, currency)}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Paper>
  )
}

function Totals({ inv, currency }: { inv: Invoice; currency: string }) {
  if (inv.kind === 'credit_note') {
    const applied = inv.appliedMinor ?? 0
    return (
      <SimpleGrid cols={3}>
        <Figure label="Credit total" minor={inv.totalMinor} currency={currency} testId="invoice-drawer-total" />
        <Figure label="Off what was owed" minor={applied} currency={currency} testId="invoice-drawer-applied" />
        <Figure label="To client credit" minor={inv.totalMinor - applied} currency={currency} testId="invoice-drawer-to-credit" color="grape" />
      </SimpleGrid>
    )
  }
  if (inv.kind === 'estimate') {
    return (
      <SimpleGrid cols={2}>
        <Figure label="Estimate total" minor={inv.totalMinor} currency={currency} testId="invoice-drawer-total" />
        <Figure label="Deposits held" minor={inv.depositMinor} currency={currency} testId="invoice-drawer-deposit" hint="Held as the client’s credit; applied when the invoice is finalized." />
      </SimpleGrid>
    )
  }
  return (
    <SimpleGrid cols={4}>
      <Figure label="Total" minor={inv.totalMinor} currency={currency} testId="invoice-drawer-total" />
      <Figure label="Paid" minor={inv.paidMinor} currency={currency} testId="invoice-drawer-paid" />
      <Figure label="Credited" minor={inv.creditedMinor} currency={currency} testId="invoice-drawer-credited" />
      <Figure label={inv.status === 'written_off' ? 'Written off' : 'Due'} minor={inv.status === 'written_off' ? inv.totalMinor - inv.paidMinor - inv.creditedMinor : inv.dueMinor} currency={currency} testId="invoice-drawer-due" color={inv.dueMinor > 0 ? 'red.7' : undefined} />
    </SimpleGrid>
  )
}

function LinesTable({ inv, currency }: { inv: Invoice; currency: string }) {
  const net = inv.lines.reduce((s, l) => s + l.netMinor, 0)
  const tax = inv.lines.reduce((s, l) => s + l.taxMinor, 0)
  const discount = inv.lines.reduce((s, l) => s + l.discountMinor, 0)
  return (
    <Block title="Lines" testId="invoice-lines">
      {inv.lines.length === 0 ? (
        <EmptyState title="No lines yet" hint="Lines come from the visit’s orders or are added at Checkout." />
      ) : (
        <Table verticalSpacing={6}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Description</Table.Th>
              <NumTh>Qty</NumTh>
              <NumTh>Unit price</NumTh>
              <NumTh>Discount</NumTh>
              <NumTh>Tax</NumTh>
              <NumTh>Amount</NumTh>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {inv.lines.map((l) => (
              <Table.Tr key={l.id} data-testid={`invoice-line-${l.id}`}>
                <Table.Td>
                  <Text size="sm">{l.description}</Text>
                  <Text size="xs" c="dimmed">
                    {CATEGORY_LABEL[l.category] ?? l.category}
                    {l.taxRateBp ? ` · tax ${(l.taxRateBp / 100).toFixed(2).replace(/\.?0+$/, '')} %` : ''}
                  </Text>
                </Table.Td>
                <Table.Td ta="right" style={NUM}>
                  {quantity(l.quantityMilli)}
                </Table.Td>
                <MoneyTd minor={l.unitPriceMinor} currency={currency} />
                <MoneyTd minor={l.discountMinor ? -l.discountMinor : 0} currency={currency} dashIfZero />
                <MoneyTd minor={l.taxMinor} currency={currency} dashIfZero />
                <MoneyTd minor={l.netMinor} currency={currency} />
              </Table.Tr>
            ))}
          </Table.Tbody>
          <Table.Tfoot>
            {discount > 0 && (
              <SumRow label="Discounts given" minor={-discount} currency={currency} />
            )}
            <SumRow label="Subtotal" minor={net} currency={currency} />
            <SumRow label="Tax" minor={tax} currency={currency} />
            <SumRow label="Total" minor={net + tax} currency={currency} strong />
          </Table.Tfoot>
        </Table>
      )}
    </Block>
  )
}

function SumRow({ label, minor, currency, strong }: { label: string; minor: number; currency: string; strong?: boolean }) {
  return (
    <Table.Tr>
      <Table.Td colSpan={5} ta="right">
        <Text size="sm" fw={strong ? 700 : 500} c={strong ? undefined : 'dimmed'}>
          {label}
        </Text>
      </Table.Td>
      <MoneyTd minor={minor} currency={currency} strong={strong} />
    </Table.Tr>
  )
}

/** What can be done to this invoice now, by its state and the person's role. */
function Actions({ inv, onOpen, creditNotes }: { inv: Invoice; onOpen: (id: string) => void; creditNotes: Invoice[] }) {
  const { admin, desk } = useBillingRoles()
  const currency = useCurrency()
  const [modal, setModal] = useState<'credit' | 'plan' | null>(null)
  const voidIt = useAction('billing.voidInvoice', () => notifications.show({ color: 'gray', title: 'Invoice voided', message: `${inv.number ?? 'The draft'} is void.` }))
  const writeOff = useAction('billing.writeOffInvoice', () => notifications.show({ color: 'orange', title: 'Written off', message: `What was left on ${inv.number} is now bad debt.` }))
  const convert = useAction('billing.convertEstimate', (out) => {
    notifications.show({ color: 'teal', title: 'Estimate converted', message: 'A draft invoice with its lines is ready: finalize it at Checkout.' })
    onOpen(out.id)
  })
  const error = voidIt.error ?? writeOff.error ?? convert.error

  const isInvoice = inv.kind === 'invoice'
  const finalized = inv.status === 'finalized'
  const canVoid = inv.kind !== 'credit_note' && (inv.status === 'draft' ? !(inv.kind === 'estimate' && inv.relatedId) : isInvoice && finalized && inv.paidMinor === 0 && inv.creditedMinor === 0)
  const voidBlocked = isInvoice && finalized && (inv.paidMinor !== 0 || inv.creditedMinor !== 0)
  const canWriteOff = isInvoice && finalized && inv.dueMinor > 0
  const canCredit = isInvoice && finalized
  const canPlan = isInvoice && finalized && inv.dueMinor > 0 && !inv.planId
  const canConvert = inv.kind === 'estimate' && inv.status === 'draft' && !inv.relatedId

  const buttons: ReactNode[] = []
  if (canConvert)
    buttons.push(
      <Button key="convert" size="xs" leftSection={<IconArrowsExchange size={14} />} loading={convert.isPending} onClick={() => convert.mutate({ estimateId: inv.id })} data-testid="invoice-convert">
        Convert to invoice
      </Button>
    )
  if (canPlan && desk)
    buttons.push(
      <Button key="plan" size="xs" variant="light" leftSection={<IconCalendarDollar size={14} />} onClick={() => setModal('plan')} data-testid="invoice-plan-open">
        Payment plan
      </Button>
    )
  if (canCredit && admin)
    buttons.push(
      <Button key="credit" size="xs" variant="light" color="grape" leftSection={<IconReceiptRefund size={14} />} onClick={() => setModal('credit')} data-testid="invoice-credit-note-open">
        Credit note
      </Button>
    )
  if (canWriteOff && admin)
    buttons.push(
      <Button
        key="writeoff"
        size="xs"
        variant="light"
        color="orange"
        leftSection={<IconReceiptOff size={14} />}
        loading={writeOff.isPending}
        data-testid="invoice-writeoff"
        onClick={async () => {
          const reason = await askReason(`Write off ${money(inv.dueMinor, currency)} on ${inv.number}?`, { description: 'What is left to pay becomes bad debt and the invoice closes. Goes in the audit log with your name.', confirmLabel: 'Write off', danger: true })
          if (reason) writeOff.mutate({ invoiceId: inv.id, reason })
        }}
      >
        Write off
      </Button>
    )
  if (admin && (canVoid || voidBlocked))
    buttons.push(
      <Tooltip key="void" label="Payments or credit notes are applied: refund them first, or write off what is left" disabled={!voidBlocked} multiline maw={260}>
        <span>
          <Button
            size="xs"
            variant="light"
            color="red"
            leftSection={<IconBan size={14} />}
            disabled={voidBlocked}
            loading={voidIt.isPending}
            data-testid="invoice-void"
            onClick={async () => {
              const what = inv.number ? `${KIND_LABEL[inv.kind].toLowerCase()} ${inv.number}` : `this draft ${KIND_LABEL[inv.kind].toLowerCase()}`
              const reason = await askReason(`Void ${what}?`, { description: inv.status === 'finalized' ? 'Its posting is reversed: the client no longer owes it. Goes in the audit log with your name.' : 'Goes in the audit log with your name.', confirmLabel: 'Void', danger: true })
              if (reason) voidIt.mutate({ invoiceId: inv.id, reason })
            }}
          >
            Void
          </Button>
        </span>
      </Tooltip>
    )

  const adminOnly = !admin && (canCredit || canWriteOff || canVoid)
  if (!buttons.length && !adminOnly && !(inv.planId && isInvoice) && !error) return null
  return (
    <Stack gap={6}>
      <Group gap={6} data-testid="invoice-actions">
        {buttons}
        {inv.planId && isInvoice && (
          <Badge variant="light" color="indigo" size="lg">
            On a payment plan
          </Badge>
        )}
      </Group>
      {adminOnly && (
        <Text size="xs" c="dimmed">
          Voids, write-offs and credit notes are made by an administrator.
        </Text>
      )}
      {error && (
        <Alert color="red" p="xs" data-testid="invoice-action-error">
          {error.message}
        </Alert>
      )}
      {modal === 'credit' && <CreditNoteModal inv={inv} creditNotes={creditNotes} currency={currency} onClose={() => setModal(null)} />}
      {modal === 'plan' && <PlanModal inv={inv} currency={currency} onClose={() => setModal(null)} />}
    </Stack>
  )
}
