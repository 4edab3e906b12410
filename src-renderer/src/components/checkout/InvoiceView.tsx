/**
 * An invoice or an estimate as the desk reads it: its lines, totals, what is paid and what is due.
 * A draft takes lines (from the price list or described by hand) and loses them with a reason.
 */
import { useMemo, useState, type ReactNode } from 'react'
import { type ComboboxParsedItem, ActionIcon, Alert, Button, Divider, Group, NumberInput, Paper, SegmentedControl, Select, Stack, Table, Text, TextInput, Title, Tooltip } from '@mantine/core'
import { IconPlus, IconTrash } from '@tabler/icons-react'
import { BILLING_CATEGORIES, type Invoice, type PriceItem } from '../../../../src-preload/contract'
import { useAction, useCall } from '../../api/hooks'
import { date, parseMoney } from '../../format'
import { askReason } from '../../prompt'
import { fieldErrors } from '../forms'
import { FormProblems } from '../FormProblems'
import { Amount, CATEGORY_LABEL, InvoiceStateBadge, NUM, quantity, useCurrency, useMoney } from '../billing-shared'
import { MoneyInput, rate } from './shared'

/** "Invoice 2026-AB12-00031", "Draft invoice", "Estimate" */
export function invoiceTitle(inv: Pick<Invoice, 'kind' | 'number' | 'status'>): string {
  if (inv.kind === 'estimate') return 'Estimate'
  if (inv.kind === 'credit_note') return `Credit note ${inv.number ?? ''}`.trim()
  return inv.number ? `Invoice ${inv.number}` : 'Draft invoice'
}

export function InvoiceView({ invoice, actions, testId = 'invoice-view' }: { invoice: Invoice; actions?: ReactNode; testId?: string }) {
  const draft = invoice.status === 'draft'
  const estimate = invoice.kind === 'estimate'
  const remove = useAction('billing.removeLine')
  const subtotal = invoice.lines.reduce((s, l) => s + l.netMinor, 0)
  const tax = invoice.lines.reduce((s, l) => s + l.taxMinor, 0)
  const discount = invoice.lines.reduce((s, l) => s + l.discountMinor, 0)
  const anyDiscount = discount > 0
  return (
    <Paper withBorder p="md" data-testid={testId} data-invoice-state={invoice.state} data-invoice-kind={invoice.kind}>
      <Group justify="space-between" align="flex-start" mb="sm">
        <div>
          <Group gap="xs">
            <Title order={4} data-testid="invoice-number">
              {invoiceTitle(invoice)}
            </Title>
            <InvoiceStateBadge invoice={invoice} testId="invoice-state" />
          </Group>
          <Text size="xs" c="dimmed">
            {invoice.patientName ? `${invoice.patientName} · ` : ''}
            {invoice.clientName}
            {' · '}
            {invoice.finalizedAt && invoice.kind === 'invoice' ? `finalized ${date(invoice.finalizedAt)}` : `started ${date(invoice.createdAt)}`}
            {invoice.planId ? ' · on a payment plan' : ''}
          </Text>
          {invoice.statusReason && invoice.status !== 'finalized' && (
            <Text size="xs" c="dimmed">
              {invoice.statusReason}
            </Text>
          )}
        </div>
        {actions && <Group gap="xs">{actions}</Group>}
      </Group>
      {remove.error && (
        <Alert color="red" mb="sm" data-testid="line-error">
          {remove.error.message}
        </Alert>
      )}
      <Table verticalSpacing={6} data-testid="invoice-lines">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Description</Table.Th>
            <Table.Th ta="right">Qty</Table.Th>
            <Table.Th ta="right">Unit price</Table.Th>
            {anyDiscount && <Table.Th ta="right">Discount</Table.Th>}
            <Table.Th ta="right">Tax</Table.Th>
            <Table.Th ta="right">Amount</Table.Th>
            {draft && <Table.Th w={36} />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {invoice.lines.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={7}>
                <Text c="dimmed" size="sm" py="xs">
                  {draft ? `No lines yet: add from the price list or describe a line below.` : 'No lines.'}
                </Text>
              </Table.Td>
            </Table.Tr>
          )}
          {invoice.lines.map((l) => (
            <Table.Tr key={l.id} data-testid="invoice-line">
              <Table.Td>
                <Text size="sm">{l.description}</Text>
                <Text size="xs" c="dimmed">
                  {CATEGORY_LABEL[l.category] ?? l.category}
                  {l.source === 'lab_order' ? ' · from a lab order' : l.source === 'imaging_request' ? ' · from an imaging request' : l.source === 'estimate' ? ' · from the estimate' : ''}
                </Text>
              </Table.Td>
              <Table.Td ta="right" style={NUM}>
                {quantity(l.quantityMilli)}
              </Table.Td>
              <Table.Td ta="right">
                <Amount minor={l.unitPriceMinor} />
              </Table.Td>
              {anyDiscount && <Table.Td ta="right">{l.discountMinor ? <Amount minor={-l.discountMinor} /> : <Text span size="sm" c="dimmed">—</Text>}</Table.Td>}
              <Table.Td ta="right">
                {l.taxMinor ? (
                  <Tooltip label={`${rate(l.taxRateBp)} tax`}>
                    <span>
                      <Amount minor={l.taxMinor} />
                    </span>
                  </Tooltip>
                ) : (
                  <Text span size="sm" c="dimmed">
                    —
                  </Text>
                )}
              </Table.Td>
              <Table.Td ta="right">
                <Amount minor={l.netMinor} />
              </Table.Td>
              {draft && (
                <Table.Td>
                  <Tooltip label="Remove this line">
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={`Remove ${l.description}`}
                      data-testid="line-remove"
                      loading={remove.isPending && remove.variables?.lineId === l.id}
                      onClick={async () => {
                        const reason = await askReason(`Remove “${l.description}”?`, { confirmLabel: 'Remove', danger: true })
                        if (reason) remove.mutate({ lineId: l.id, reason })
                      }}
                    >
                      <IconTrash size={16} />
                    </ActionIcon>
                  </Tooltip>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {draft && <AddLineForm invoiceId={invoice.id} />}
      <Divider my="sm" />
      <Totals
        rows={[
          { label: 'Subtotal', minor: subtotal, testId: 'invoice-subtotal' },
          ...(anyDiscount ? [{ label: 'Discounts included', minor: -discount, testId: 'invoice-discount', dimmed: true }] : []),
          { label: 'Tax', minor: tax, testId: 'invoice-tax' },
          { label: estimate ? 'Estimated total' : 'Total', minor: invoice.totalMinor, testId: 'invoice-total', bold: true },
          ...(estimate && invoice.depositMinor > 0 ? [{ label: 'Deposits taken', minor: invoice.depositMinor, testId: 'invoice-deposit' }] : []),
          ...(invoice.kind === 'invoice' && invoice.status !== 'draft'
            ? [
                { label: 'Paid', minor: invoice.paidMinor, testId: 'invoice-paid' },
                ...(invoice.creditedMinor ? [{ label: 'Credit notes', minor: invoice.creditedMinor, testId: 'invoice-credited' }] : []),
                { label: 'Due', minor: Math.max(0, invoice.dueMinor), testId: 'invoice-due', bold: true, big: true, color: invoice.dueMinor > 0 ? 'red.8' : 'green.8' }
              ]
            : [])
        ]}
      />
    </Paper>
  )
}

interface TotalRow {
  label: string
  minor: number
  testId: string
  bold?: boolean
  big?: boolean
  dimmed?: boolean
  color?: string
}

/** Totals under the lines, right-aligned under the Amount column. */
export function Totals({ rows }: { rows: TotalRow[] }) {
  return (
    <Stack gap={2} ml="auto" w={300}>
      {rows.map((r) => (
        <Group key={r.testId} justify="space-between" wrap="nowrap">
          <Text size={r.big ? 'md' : 'sm'} fw={r.bold ? 700 : undefined} c={r.dimmed ? 'dimmed' : undefined}>
            {r.label}
          </Text>
          <Amount minor={r.minor} bold={r.bold} dimmed={r.dimmed} color={r.color} size={r.big ? 'lg' : 'sm'} testId={r.testId} />
        </Group>
      ))}
    </Stack>
  )
}

type Mode = 'price' | 'free'

/** Adds a line to a draft: a price list item (searchable), or a description, category and price. */
/** The add-line form's fields, by the API's names: their problems show beside them. */
const LINE_FIELDS = ['priceItemId', 'description', 'unitPriceMinor', 'quantityMilli', 'discountMinor'] as const

function AddLineForm({ invoiceId }: { invoiceId: string }) {
  const currency = useCurrency()
  const fmt = useMoney()
  const prices = useCall('billing.priceList', { includeInactive: false })
  const [mode, setMode] = useState<Mode>('price')
  const [itemId, setItemId] = useState<string | null>(null)
  const [qty, setQty] = useState<number | string>(1)
  const [discount, setDiscount] = useState('')
  const [description, setDescription] = useState('')
  const [category, setCategory] = useState<string | null>('other')
  const [price, setPrice] = useState('')
  const add = useAction('billing.addLine', () => {
    setItemId(null)
    setQty(1)
    setDiscount('')
    setDescription('')
    setPrice('')
  })
  const errors = fieldErrors(add.error)
  const items = useMemo(() => prices.data ?? [], [prices.data])
  const byId = useMemo(() => new Map(items.map((i) => [i.id, i])), [items])
  const data = useMemo(() => {
    const groups = new Map<string, PriceItem[]>()
    for (const i of items) groups.set(i.category, [...(groups.get(i.category) ?? []), i])
    return [...groups].map(([c, list]) => ({ group: CATEGORY_LABEL[c] ?? c, items: list.map((i) => ({ value: i.id, label: i.name })) }))
  }, [items])
  const quantityMilli = typeof qty === 'number' ? Math.round(qty * 1000) : Math.round(Number(qty) * 1000)
  const qtyOk = Number.isFinite(quantityMilli) && quantityMilli >= 1
  const discountMinor = discount.trim() ? parseMoney(discount, currency) : 0
  const priceMinor = price.trim() ? parseMoney(price, currency) : null
  const item = itemId ? byId.get(itemId) : undefined

  const submit = () => {
    if (!qtyOk || discountMinor === null) return
    if (mode === 'price') {
      if (!itemId) return
      add.mutate({ invoiceId, priceItemId: itemId, quantityMilli, discountMinor: discountMinor || undefined })
    } else {
      if (!description.trim() || priceMinor === null || !category) return
      add.mutate({ invoiceId, description, category: category as PriceItem['category'], unitPriceMinor: priceMinor, quantityMilli, discountMinor: discountMinor || undefined })
    }
  }
  const ready = qtyOk && discountMinor !== null && (mode === 'price' ? !!itemId : !!description.trim() && priceMinor !== null && !!category)

  return (
    <Paper bg="gray.0" p="sm" mt="sm" radius="md" data-testid="add-line">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          submit()
        }}
      >
        <Stack gap="xs">
          <Group justify="space-between">
            <Text size="sm" fw={600}>
              Add a line
            </Text>
            <SegmentedControl
              size="xs"
              value={mode}
              onChange={(v) => setMode(v as Mode)}
              data={[
                { value: 'price', label: <span data-testid="line-mode-price">From the price list</span> },
                { value: 'free', label: <span data-testid="line-mode-free">Free line</span> }
              ]}
            />
          </Group>
          <Group align="flex-start" gap="xs" wrap="nowrap">
            {mode === 'price' ? (
              <Select
                flex={1}
                searchable
                clearable
                placeholder={items.length ? 'Search the price list (name or code)' : 'The price list is empty: use a free line'}
                aria-label="Price list item"
                data={data}
                value={itemId}
                onChange={setItemId}
                nothingFoundMessage="Nothing in the price list matches"
                maxDropdownHeight={320}
                filter={({ options, search }) => {
                  const q = search.trim().toLowerCase()
                  if (!q) return options
                  const match = (id: string) => {
                    const i = byId.get(id)
                    return !!i && (i.name.toLowerCase().includes(q) || i.code.toLowerCase().includes(q))
                  }
                  const out: ComboboxParsedItem[] = []
                  for (const o of options) {
                    if ('group' in o) {
                      const hits = o.items.filter((x) => match(x.value))
                      if (hits.length) out.push({ ...o, items: hits })
                    } else if (match(o.value)) out.push(o)
                  }
                  return out
                }}
                renderOption={({ option }) => {
                  const i = byId.get(option.value)
                  return (
                    <Group justify="space-between" wrap="nowrap" w="100%" gap="md">
                      <div>
                        <Text size="sm">{option.label}</Text>
                        <Text size="xs" c="dimmed">
                          {i?.code}
                        </Text>
                      </div>
                      <Text size="sm" style={NUM}>
                        {i ? fmt(i.unitPriceMinor) : ''}
                      </Text>
                    </Group>
                  )
                }}
                error={errors.priceItemId}
                data-testid="line-item"
              />
            ) : (
              <>
                <TextInput flex={1} placeholder="Description" aria-label="Description" value={description} onChange={(e) => setDescription(e.currentTarget.value)} error={errors.description} data-testid="line-description" />
                <Select w={140} aria-label="Category" data={BILLING_CATEGORIES.map((c) => ({ value: c, label: CATEGORY_LABEL[c] }))} value={category} onChange={setCategory} allowDeselect={false} data-testid="line-category" />
                <MoneyInput w={120} placeholder="Price" aria-label="Unit price" value={price} onChange={setPrice} error={errors.unitPriceMinor} data-testid="line-price" />
              </>
            )}
            <NumberInput w={80} aria-label="Quantity" value={qty} onChange={setQty} min={0.001} decimalScale={3} hideControls styles={{ input: { textAlign: 'right' } }} error={!qtyOk ? 'Quantity?' : errors.quantityMilli} data-testid="line-qty" />
            <MoneyInput w={110} placeholder="Discount" aria-label="Discount" value={discount} onChange={setDiscount} error={errors.discountMinor} data-testid="line-discount" />
            <Button type="submit" leftSection={<IconPlus size={16} />} disabled={!ready} loading={add.isPending} data-testid="line-add">
              Add
            </Button>
          </Group>
          {mode === 'price' && item && (
            <Text size="xs" c="dimmed">
              {item.name}: {fmt(item.unitPriceMinor)} each{qtyOk && quantityMilli !== 1000 ? ` · ${quantity(quantityMilli)} × = ${fmt(Math.round((quantityMilli * item.unitPriceMinor) / 1000))}` : ''}
            </Text>
          )}
          <FormProblems error={add.error} fields={LINE_FIELDS} />
        </Stack>
      </form>
    </Paper>
  )
}
