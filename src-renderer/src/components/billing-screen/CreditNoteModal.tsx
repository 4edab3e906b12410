import { useState } from 'react'
import { Button, Checkbox, Group, Modal, Paper, Stack, Table, Text, TextInput } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import type { Invoice } from '../../../../src-preload/contract'
import { useAction } from '../../api/hooks'
import { money, parseMoney } from '../../format'
import { fieldErrors } from '../forms'
import { FormProblems } from '../FormProblems'
import { NUM, moneyText } from '../billing-shared'
import { MoneyTd, NumTh } from './shared'

/** What each line of the invoice can still be credited: its net less what earlier credit notes gave back on it. */
export function creditLeft(inv: Invoice, creditNotes: Invoice[]): Map<string, number> {
  const already = new Map<string, number>()
  for (const n of creditNotes) {
    if (n.status !== 'finalized') continue
    for (const l of n.lines) if (l.source === 'credit' && l.sourceId) already.set(l.sourceId, (already.get(l.sourceId) ?? 0) + l.unitPriceMinor)
  }
  return new Map(inv.lines.map((l) => [l.id, Math.max(0, l.netMinor - (already.get(l.id) ?? 0))]))
}

const taxOn = (amount: number, bp: number) => Math.round((amount * bp) / 10_000)

/**
 * A credit note on a finalized invoice: the lines to credit and how much of each (net of discount;
 * tax follows at the line's rate), with why. It first takes what it can off what is still owed on
 * the invoice; the rest becomes the client's credit.
 */
export function CreditNoteModal({ inv, creditNotes, currency, onClose }: { inv: Invoice; creditNotes: Invoice[]; currency: string; onClose: () => void }) {
  const left = creditLeft(inv, creditNotes)
  const [picked, setPicked] = useState<Record<string, string>>({})
  const [reason, setReason] = useState('')
  const issue = useAction('billing.issueCreditNote', (note) => {
    notifications.show({ color: 'grape', title: `Credit note ${note.number} issued`, message: `${money(note.totalMinor, currency)}: ${money(note.appliedMinor ?? 0, currency)} off what was owed${note.totalMinor > (note.appliedMinor ?? 0) ? `, ${money(note.totalMinor - (note.appliedMinor ?? 0), currency)} to the client’s credit` : ''}.` })
    onClose()
  })
  const errors = fieldErrors(issue.error)

  const rows = inv.lines.map((l) => {
    const text = picked[l.id]
    const on = text !== undefined
    const parsed = on ? parseMoney(text, currency) : null
    const max = left.get(l.id) ?? 0
    const problem = !on ? null : parsed === null ? 'not an amount' : parsed <= 0 ? 'must be more than nothing' : parsed > max ? `at most ${money(max, currency)}` : null
    const ok = on && !problem
    return { l, on, text: text ?? '', amount: ok ? parsed! : 0, max, bad: !!problem, problem, tax: ok ? taxOn(parsed!, l.taxRateBp) : 0 }
  })
  const chosen = rows.filter((r) => r.on)
  const net = rows.reduce((s, r) => s + r.amount, 0)
  const tax = rows.reduce((s, r) => s + r.tax, 0)
  const total = net + tax
  const offOwed = Math.max(0, Math.min(total, inv.dueMinor))
  const toCredit = total - offOwed
  const invalid = chosen.length === 0 || chosen.some((r) => r.bad)
  const toggle = (id: string, on: boolean, max: number) => setPicked((p) => {
    const next = { ...p }
    if (on) next[id] = moneyText(max, currency)
    else delete next[id]
    return next
  })
  const creditAll = () => {
    const next: Record<string, string> = {}
    for (const r of rows) if (r.max > 0) next[r.l.id] = moneyText(r.max, currency)
    setPicked(next)
  }

  return (
    <Modal opened onClose={onClose} title={<Text fw={600}>Credit note on {inv.number}</Text>} size="xl" data-testid="credit-note-modal">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          if (invalid) return
          issue.mutate({ invoiceId: inv.id, lines: chosen.map((r) => ({ lineId: r.l.id, amountMinor: r.amount })), reason })
        }}
      >
        <Stack>
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              Choose the lines to credit and how much of each, before tax. Tax is credited with it at the line’s rate.
            </Text>
            <Button size="compact-sm" variant="subtle" onClick={creditAll} data-testid="credit-note-all">
              Credit everything left
            </Button>
          </Group>
          <Table verticalSpacing={6}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={36} />
                <Table.Th>Line</Table.Th>
                <NumTh>Can credit</NumTh>
                <NumTh w={150}>Credit (before tax)</NumTh>
                <NumTh>Tax</NumTh>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={r.l.id} opacity={r.max > 0 ? 1 : 0.5}>
                  <Table.Td>
                    <Checkbox checked={r.on} disabled={r.max <= 0} onChange={(e) => toggle(r.l.id, e.currentTarget.checked, r.max)} aria-label={`Credit ${r.l.description}`} data-testid={`credit-line-${r.l.id}`} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{r.l.description}</Text>
                    {r.max < r.l.netMinor && (
                      <Text size="xs" c="dimmed">
                        {r.max <= 0 ? 'Fully credited already' : `${money(r.l.netMinor - r.max, currency)} credited already`}
                      </Text>
                    )}
                  </Table.Td>
                  <MoneyTd minor={r.max} currency={currency} />
                  <Table.Td>
                    <TextInput
                      size="xs"
                      disabled={!r.on}
                      value={r.text}
                      placeholder="—"
                      onChange={(e) => setPicked({ ...picked, [r.l.id]: e.currentTarget.value })}
                      error={r.problem ?? undefined}
                      styles={{ input: { textAlign: 'right', ...NUM } }}
                      aria-label={`Amount to credit on ${r.l.description}`}
                      data-testid={`credit-amount-${r.l.id}`}
                    />
                  </Table.Td>
                  <MoneyTd minor={r.tax} currency={currency} dashIfZero />
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {errors.lines && <Text c="red" size="sm">{errors.lines}</Text>}

          <Paper withBorder p="sm" bg="grape.0" data-testid="credit-note-summary">
            <Group justify="space-between">
              <Text fw={600}>Credit note total</Text>
              <Text fw={700} style={NUM} data-testid="credit-note-total" data-minor={total}>
                {money(total, currency)}
              </Text>
            </Group>
            <Group justify="space-between" mt={4}>
              <Text size="sm">1. First off what is still owed on {inv.number} ({money(inv.dueMinor, currency)} due)</Text>
              <Text size="sm" style={NUM} data-testid="credit-note-off-owed" data-minor={offOwed}>
                {money(offOwed, currency)}
              </Text>
            </Group>
            <Group justify="space-between">
              <Text size="sm">2. The rest becomes the client’s credit, for later visits or a refund</Text>
              <Text size="sm" style={NUM} fw={toCredit ? 600 : undefined} data-testid="credit-note-to-credit" data-minor={toCredit}>
                {money(toCredit, currency)}
              </Text>
            </Group>
          </Paper>

          <TextInput label="Reason" description="Printed on the credit note and kept in the audit log." value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={errors.reason} required maxLength={300} data-testid="credit-note-reason" />
          <FormProblems error={issue.error} fields={['reason', 'lines']} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color="grape" disabled={invalid || !reason.trim()} loading={issue.isPending} data-testid="credit-note-submit">
              Issue credit note{total ? ` of ${money(total, currency)}` : ''}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
