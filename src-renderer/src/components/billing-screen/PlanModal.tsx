import { useState } from 'react'
import { Alert, Button, Group, Modal, NumberInput, Paper, SegmentedControl, Stack, Table, Text, TextInput } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import type { Invoice } from '../../../../src-preload/contract'
import { useAction } from '../../api/hooks'
import { date, money, parseMoney } from '../../format'
import { fieldErrors } from '../forms'
import { NUM, moneyText, todayIso } from '../billing-shared'
import { addDays, addMonths, isDay } from './shared'
import { FormProblems } from '../FormProblems'

type Interval = 'monthly' | 'biweekly'
interface Row {
  dueDate: string
  amount: string
}

/** An even split of what is due: the odd cents go to the first installments, so it always adds up. */
export function schedule(dueMinor: number, count: number, first: string, interval: Interval, currency: string): Row[] {
  const n = Math.max(1, Math.min(60, Math.floor(count)))
  const base = Math.floor(dueMinor / n)
  const extra = dueMinor - base * n
  return Array.from({ length: n }, (_, k) => ({
    dueDate: interval === 'monthly' ? addMonths(first, k) : addDays(first, 14 * k),
    amount: moneyText(base + (k < extra ? 1 : 0), currency)
  }))
}

/**
 * A payment plan on what is due on an invoice: how many installments, from when, how often; the
 * schedule is computed and can then be edited by hand, but it must add up to what is due.
 */
export function PlanModal({ inv, currency, onClose }: { inv: Invoice; currency: string; onClose: () => void }) {
  const [count, setCount] = useState(3)
  const [first, setFirst] = useState(addMonths(todayIso(), 1))
  const [interval, setInterval] = useState<Interval>('monthly')
  const [rows, setRows] = useState<Row[]>(() => schedule(inv.dueMinor, 3, addMonths(todayIso(), 1), 'monthly', currency))
  const [edited, setEdited] = useState(false)
  const [note, setNote] = useState('')
  const create = useAction('billing.createPlan', (plan) => {
    notifications.show({ color: 'indigo', title: 'Payment plan set up', message: `${plan.installments.length} installments on ${inv.number}, the first due ${date(plan.installments[0]?.dueDate ?? null)}.` })
    onClose()
  })
  const errors = fieldErrors(create.error)

  const regenerate = (c = count, f = first, i = interval) => {
    if (isDay(f) && c >= 1) setRows(schedule(inv.dueMinor, c, f, i, currency))
    setEdited(false)
  }
  const parsed = rows.map((r, k) => {
    const amount = parseMoney(r.amount, currency)
    const amountError = amount === null ? 'not an amount' : amount <= 0 ? 'must be more than nothing' : null
    const dateError = !isDay(r.dueDate) ? 'must be a date' : k > 0 && r.dueDate <= rows[k - 1].dueDate ? 'must be after the one before' : null
    return { dueDate: r.dueDate, amountMinor: amount ?? 0, amountError, dateError }
  })
  const sum = parsed.reduce((s, r) => s + r.amountMinor, 0)
  const diff = inv.dueMinor - sum
  const invalid = diff !== 0 || parsed.some((r) => r.amountError || r.dateError)
  const update = (k: number, patch: Partial<Row>) => {
    setRows(rows.map((r, i) => (i === k ? { ...r, ...patch } : r)))
    setEdited(true)
  }
  const fixLast = () => {
    const last = parsed[parsed.length - 1]
    update(rows.length - 1, { amount: moneyText(last.amountMinor + diff, currency) })
  }

  return (
    <Modal opened onClose={onClose} title={<Text fw={600}>Payment plan on {inv.number}</Text>} size="lg" data-testid="plan-modal">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          if (invalid) return
          create.mutate({ invoiceId: inv.id, installments: parsed.map((r) => ({ dueDate: r.dueDate, amountMinor: r.amountMinor })), note: note || null })
        }}
      >
        <Stack>
          <Text size="sm">
            <b data-testid="plan-due" data-minor={inv.dueMinor}>
              {money(inv.dueMinor, currency)}
            </b>{' '}
            is due on this invoice. Payments taken on it from now on fill the installments in order.
          </Text>
          <Group align="flex-end" grow>
            <NumberInput
              label="Installments"
              min={1}
              max={60}
              allowDecimal={false}
              value={count}
              onChange={(v) => {
                const c = typeof v === 'number' ? v : parseInt(v, 10) || 1
                setCount(c)
                regenerate(c)
              }}
              data-testid="plan-count"
            />
            <TextInput
              label="First due"
              type="date"
              value={first}
              onChange={(e) => {
                setFirst(e.currentTarget.value)
                regenerate(count, e.currentTarget.value)
              }}
              data-testid="plan-first"
            />
            <div>
              <Text size="sm" fw={500} mb={4}>
                Every
              </Text>
              <SegmentedControl
                fullWidth
                value={interval}
                onChange={(v) => {
                  setInterval(v as Interval)
                  regenerate(count, first, v as Interval)
                }}
                data={[
                  { value: 'monthly', label: 'Month' },
                  { value: 'biweekly', label: '2 weeks' }
                ]}
                data-testid="plan-interval"
              />
            </div>
          </Group>

          <Paper withBorder p={0}>
            <Table verticalSpacing={4} data-testid="plan-schedule">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={40}>#</Table.Th>
                  <Table.Th>Due date</Table.Th>
                  <Table.Th ta="right">Amount</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((r, k) => (
                  <Table.Tr key={k}>
                    <Table.Td c="dimmed">{k + 1}</Table.Td>
                    <Table.Td>
                      <TextInput size="xs" type="date" value={r.dueDate} onChange={(e) => update(k, { dueDate: e.currentTarget.value })} error={parsed[k].dateError ?? errors[`installments.${k}.dueDate`]} aria-label={`Installment ${k + 1} due date`} data-testid={`plan-date-${k}`} />
                    </Table.Td>
                    <Table.Td>
                      <TextInput size="xs" value={r.amount} onChange={(e) => update(k, { amount: e.currentTarget.value })} error={parsed[k].amountError ?? errors[`installments.${k}.amountMinor`]} styles={{ input: { textAlign: 'right', ...NUM } }} aria-label={`Installment ${k + 1} amount`} data-testid={`plan-amount-${k}`} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
              <Table.Tfoot>
                <Table.Tr>
                  <Table.Td colSpan={2}>
                    <Text size="sm" fw={600}>
                      Adds up to
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">
                    <Text size="sm" fw={700} c={diff ? 'red' : 'teal.7'} style={NUM} data-testid="plan-sum" data-minor={sum}>
                      {money(sum, currency)}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              </Table.Tfoot>
            </Table>
          </Paper>
          {diff !== 0 && (
            <Alert color="red" variant="light" data-testid="plan-mismatch">
              <Group justify="space-between" wrap="nowrap">
                <Text size="sm">
                  The installments are {money(Math.abs(diff), currency)} {diff > 0 ? 'short of' : 'more than'} what is due.
                </Text>
                <Button size="compact-xs" variant="light" color="red" onClick={fixLast} disabled={parsed[parsed.length - 1].amountMinor + diff <= 0}>
                  Adjust the last installment
                </Button>
              </Group>
            </Alert>
          )}
          {errors.installments && <Text c="red" size="sm">The installments {errors.installments}</Text>}
          {edited && (
            <Button variant="subtle" size="compact-sm" w="fit-content" onClick={() => regenerate()}>
              Reset to an even split
            </Button>
          )}
          <TextInput label="Note" placeholder="Optional, e.g. agreed with the owner by phone" value={note} onChange={(e) => setNote(e.currentTarget.value)} error={errors.note} maxLength={300} data-testid="plan-note" />
          <FormProblems error={create.error} fields={['installments', 'note']} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color="indigo" disabled={invalid} loading={create.isPending} data-testid="plan-submit">
              Set up the plan
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
