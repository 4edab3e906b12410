import { useState } from 'react'
import { Alert, Anchor, Badge, Button, Group, Loader, Paper, Progress, SegmentedControl, SimpleGrid, Stack, Switch, Table, Text } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import type { DueInstallment, PaymentPlan } from '../../../../src-preload/contract'
import { useAction, useCall } from '../../api/hooks'
import { date, money } from '../../format'
import { askReason } from '../../prompt'
import { NUM, useCurrency, useToday } from '../billing-shared'
import { EmptyRow, EmptyState, MoneyTd, NumTh, Section, addDays, useBillingRoles } from './shared'

const INSTALLMENT: Record<PaymentPlan['installments'][number]['status'], { label: string; color: string }> = {
  open: { label: 'Open', color: 'blue' },
  paid: { label: 'Paid', color: 'green' },
  past_due: { label: 'Past due', color: 'red' }
}
const PLAN: Record<PaymentPlan['status'], { label: string; color: string }> = { active: { label: 'Active', color: 'indigo' }, completed: { label: 'Completed', color: 'green' }, canceled: { label: 'Cancelled', color: 'gray' } }

export function InstallmentBadge({ status, testId }: { status: keyof typeof INSTALLMENT; testId?: string }) {
  const s = INSTALLMENT[status]
  return (
    <Badge color={s.color} variant={status === 'past_due' ? 'filled' : 'light'} size="sm" data-testid={testId} data-status={status}>
      {s.label}
    </Badge>
  )
}

type Horizon = 'today' | 'week' | 'month'

/** Installments due (past due first, in red), then every plan with its schedule. */
export function PlansTab({ onOpen }: { onOpen: (invoiceId: string) => void }) {
  const currency = useCurrency()
  const [horizon, setHorizon] = useState<Horizon>('week')
  const [ended, setEnded] = useState(false)
  const today = useToday()
  const through = horizon === 'today' ? today : addDays(today, horizon === 'week' ? 7 : 30)
  const due = useCall('billing.installmentsDue', { through })
  const plans = useCall('billing.plans', { includeEnded: ended })
  const allPlans = useCall('billing.plans', { includeEnded: true })
  const count = new Map((allPlans.data ?? plans.data ?? []).map((p) => [p.id, p.installments.length]))
  const dueRows = due.data ?? []
  const pastDue = dueRows.filter((d) => d.status === 'past_due')

  return (
    <Stack>
      <Section
        title={
          <Group gap="xs">
            <span>Due and past due</span>
            {pastDue.length > 0 && (
              <Badge color="red" variant="filled" data-testid="due-past-count">
                {pastDue.length} past due · {money(pastDue.reduce((s, d) => s + d.remainingMinor, 0), currency)}
              </Badge>
            )}
          </Group>
        }
        right={
          <SegmentedControl
            size="xs"
            value={horizon}
            onChange={(v) => setHorizon(v as Horizon)}
            data={[
              { value: 'today', label: 'Due by today' },
              { value: 'week', label: 'Next 7 days' },
              { value: 'month', label: 'Next 30 days' }
            ]}
            data-testid="due-horizon"
          />
        }
        testId="due-section"
      >
        {due.error && <Alert color="red">{due.error.message}</Alert>}
        <Table verticalSpacing="xs" data-testid="due-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Due</Table.Th>
              <Table.Th>Client</Table.Th>
              <Table.Th>Invoice</Table.Th>
              <Table.Th>Installment</Table.Th>
              <Table.Th>Status</Table.Th>
              <NumTh>Amount</NumTh>
              <NumTh>Paid</NumTh>
              <NumTh>Left to pay</NumTh>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {due.isLoading && (
              <Table.Tr>
                <Table.Td colSpan={8}>
                  <Loader size="sm" />
                </Table.Td>
              </Table.Tr>
            )}
            {due.isSuccess && dueRows.length === 0 && <EmptyRow cols={8} testId="due-empty" title={`Nothing due by ${date(through)}`} hint="Installments of active payment plans show here as they fall due; past due ones come first, in red." />}
            {dueRows.map((d) => (
              <DueRow key={`${d.planId}-${d.seq}`} d={d} of={count.get(d.planId)} currency={currency} onOpen={onOpen} />
            ))}
          </Table.Tbody>
        </Table>
      </Section>

      <Section
        title="Payment plans"
        right={<Switch label="Show completed and cancelled plans" checked={ended} onChange={(e) => setEnded(e.currentTarget.checked)} data-testid="plans-show-ended" />}
        testId="plans-section"
      >
        {plans.error && <Alert color="red">{plans.error.message}</Alert>}
        {plans.isLoading && <Loader size="sm" />}
        {plans.isSuccess && (plans.data ?? []).length === 0 && (
          <EmptyState testId="plans-empty" title={ended ? 'No payment plans yet' : 'No active payment plans'} hint='To spread what a client owes over time, open the invoice on the Invoices tab and choose "Payment plan".' />
        )}
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="sm">
          {(plans.data ?? []).map((p) => (
            <PlanCard key={p.id} plan={p} currency={currency} onOpenInvoice={onOpen} />
          ))}
        </SimpleGrid>
      </Section>
    </Stack>
  )
}

function DueRow({ d, of, currency, onOpen }: { d: DueInstallment; of?: number; currency: string; onOpen: (id: string) => void }) {
  const late = d.status === 'past_due'
  return (
    <Table.Tr bg={late ? 'red.0' : undefined} data-testid={`due-row-${d.planId}-${d.seq}`} data-status={d.status}>
      <Table.Td style={NUM}>
        <Text size="sm" fw={late ? 700 : 500} c={late ? 'red.8' : undefined}>
          {date(d.dueDate)}
        </Text>
      </Table.Td>
      <Table.Td>{d.clientName}</Table.Td>
      <Table.Td>
        <Anchor component="button" size="sm" ff="monospace" onClick={() => onOpen(d.invoiceId)}>
          {d.invoiceNumber ?? 'invoice'}
        </Anchor>
      </Table.Td>
      <Table.Td>
        {d.seq}
        {of ? ` of ${of}` : ''}
      </Table.Td>
      <Table.Td>
        <InstallmentBadge status={d.status} />
      </Table.Td>
      <MoneyTd minor={d.amountMinor} currency={currency} />
      <MoneyTd minor={d.paidMinor} currency={currency} dashIfZero />
      <MoneyTd minor={d.remainingMinor} currency={currency} strong color={late ? 'red.8' : undefined} />
    </Table.Tr>
  )
}

/** A plan with its installments; an active plan can be cancelled (what is owed stays owed). */
export function PlanCard({ plan, currency, compact, onOpenInvoice }: { plan: PaymentPlan; currency: string; compact?: boolean; onOpenInvoice?: (id: string) => void }) {
  const { desk } = useBillingRoles()
  const cancel = useAction('billing.cancelPlan', () => notifications.show({ color: 'gray', title: 'Payment plan cancelled', message: 'What is owed on the invoice stays owed.' }))
  const s = PLAN[plan.status]
  const pct = plan.totalMinor ? Math.round((plan.paidMinor / plan.totalMinor) * 100) : 0
  const late = plan.installments.filter((i) => i.status === 'past_due')
  return (
    <Paper withBorder p="sm" radius="md" data-testid={`plan-${plan.id}`} data-status={plan.status} style={late.length && plan.status === 'active' ? { borderColor: 'var(--mantine-color-red-4)' } : undefined}>
      <Group justify="space-between" align="flex-start" mb="xs">
        <div>
          <Group gap="xs">
            {!compact && <Text fw={600}>{plan.clientName}</Text>}
            {onOpenInvoice ? (
              <Anchor component="button" ff="monospace" size="sm" onClick={() => onOpenInvoice(plan.invoiceId)}>
                {plan.invoiceNumber}
              </Anchor>
            ) : (
              <Text ff="monospace" size="sm">
                {plan.invoiceNumber}
              </Text>
            )}
            <Badge color={s.color} variant="light" size="sm" data-testid={`plan-status-${plan.id}`}>
              {s.label}
            </Badge>
            {late.length > 0 && plan.status === 'active' && (
              <Badge color="red" size="sm">
                {late.length} past due
              </Badge>
            )}
          </Group>
          <Text size="xs" c="dimmed">
            Set up {date(plan.createdAt)} · {plan.installments.length} installments
            {plan.note ? ` · ${plan.note}` : ''}
          </Text>
        </div>
        <Group gap="sm">
          <div style={{ textAlign: 'right' }}>
            <Text size="sm" style={NUM}>
              <b>{money(plan.paidMinor, currency)}</b> of {money(plan.totalMinor, currency)} paid
            </Text>
            <Progress value={pct} w={180} size="sm" color={plan.status === 'canceled' ? 'gray' : 'indigo'} mt={4} />
          </div>
          {desk && plan.status === 'active' && (
            <Button
              size="xs"
              variant="subtle"
              color="red"
              loading={cancel.isPending}
              data-testid={`plan-cancel-${plan.id}`}
              onClick={async () => {
                const reason = await askReason(`Cancel the payment plan on ${plan.invoiceNumber}?`, { description: 'What is owed on the invoice stays owed. Goes in the audit log with your name.', confirmLabel: 'Cancel plan', dismissLabel: 'Keep it', danger: true })
                if (reason) cancel.mutate({ planId: plan.id, reason })
              }}
            >
              Cancel plan
            </Button>
          )}
        </Group>
      </Group>
      {cancel.error && (
        <Alert color="red" mb="xs">
          {cancel.error.message}
        </Alert>
      )}
      <Table verticalSpacing={4} withRowBorders={false} layout="fixed" data-testid={`plan-installments-${plan.id}`}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={40}>#</Table.Th>
            <Table.Th>Due</Table.Th>
            <NumTh>Amount</NumTh>
            <NumTh>Paid</NumTh>
            <Table.Th ta="right" w={110}>
              Status
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {plan.installments.map((i) => (
            <Table.Tr key={i.seq} bg={i.status === 'past_due' && plan.status === 'active' ? 'red.0' : undefined}>
              <Table.Td c="dimmed">{i.seq}</Table.Td>
              <Table.Td style={NUM}>{date(i.dueDate)}</Table.Td>
              <MoneyTd minor={i.amountMinor} currency={currency} />
              <MoneyTd minor={i.paidMinor} currency={currency} dashIfZero />
              <Table.Td ta="right">
                <InstallmentBadge status={i.status} testId={`installment-status-${plan.id}-${i.seq}`} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  )
}
