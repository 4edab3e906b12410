import { useState } from 'react'
import { Alert, Anchor, Badge, Button, Grid, Group, Loader, Paper, Progress, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, TextInput, Tooltip as MTooltip } from '@mantine/core'
import { IconDownload } from '@tabler/icons-react'
import { Link } from 'react-router-dom'
import { Bar, BarChart, CartesianGrid, Cell, Legend, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { BILLING_CATEGORIES, PAYMENT_METHODS, type FinancialReport } from '../../../../src-preload/contract'
import { useCall } from '../../api/hooks'
import { date, money } from '../../format'
import { currencyDigits, decimalAmount, downloadCsv, toCsv, type Cell as CsvCell } from './csv'
import { useRefetchOn } from './live'
import { PRESETS, defaultGroup, periodKeys, periodLabel, presetRange, type GroupBy, type Preset } from './periods'
import { METHOD_LABEL, NUM, useCurrency, utcToday } from '../billing-shared'
import { EmptyState, MoneyTd, NumTh, Section, daysBetween, isDay } from './shared'

type Category = (typeof BILLING_CATEGORIES)[number]
export const CATEGORY_LABEL: Record<Category, string> = { exam: 'Exams', procedure: 'Procedures', lab: 'Lab', imaging: 'Imaging', pharmacy: 'Pharmacy', product: 'Products', boarding: 'Boarding', other: 'Other' }
/** Mantine's palette at shade 6, as hex (SVG fills do not read CSS variables everywhere). */
const CATEGORY_COLOR: Record<Category, string> = { exam: '#12b886', procedure: '#4c6ef5', lab: '#15aabf', imaging: '#7950f2', pharmacy: '#fd7e14', product: '#fab005', boarding: '#82c91e', other: '#868e96' }

function compactMoney(minor: number, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 }).format(minor / 10 ** currencyDigits(currency))
}

/**
 * Financial Reports (administrators): revenue by period and category, money by method,
 * collections, outstanding balances and A/R aging, read from the ledger. Payments, refunds and
 * invoices made anywhere in the clinic show as they happen.
 */
export function ReportsTab() {
  const currency = useCurrency()
  const [preset, setPreset] = useState<Preset>('this_month')
  const [groupBy, setGroupBy] = useState<GroupBy>('day')
  const [custom, setCustom] = useState(() => presetRange('this_month'))
  const [pulse, setPulse] = useState<number | null>(null)
  const range = preset === 'custom' ? custom : presetRange(preset)
  const valid = isDay(range.from) && isDay(range.to) && range.from <= range.to
  const report = useCall('billing.report', { from: range.from, to: range.to, groupBy }, { enabled: valid, placeholderData: (p) => p })
  useRefetchOn(['billing.report'], (c) => c.entity === 'payment' || c.entity === 'refund' || c.entity === 'invoice', () => setPulse(Date.now()))
  const r = report.data

  return (
    <Stack>
      <Paper withBorder p="sm">
        <Group align="flex-end" gap="sm" justify="space-between">
          <Group align="flex-end" gap="sm">
            <Select
              label="Period"
              w={180}
              data={PRESETS}
              value={preset}
              allowDeselect={false}
              onChange={(v) => {
                const p = (v as Preset) ?? 'this_month'
                if (p === 'custom') setCustom(range)
                setPreset(p)
                setGroupBy(defaultGroup(p))
              }}
              data-testid="report-preset"
            />
            {preset === 'custom' ? (
              <>
                <TextInput label="From" type="date" w={160} value={custom.from} onChange={(e) => setCustom({ ...custom, from: e.currentTarget.value })} error={valid ? undefined : 'from must be before to'} data-testid="report-from" />
                <TextInput label="To" type="date" w={160} value={custom.to} onChange={(e) => setCustom({ ...custom, to: e.currentTarget.value })} data-testid="report-to" />
              </>
            ) : (
              <Text size="sm" c="dimmed" pb={8} data-testid="report-range">
                {date(range.from)} – {date(range.to)}
              </Text>
            )}
            <div>
              <Text size="sm" fw={500} mb={4}>
                Group by
              </Text>
              <SegmentedControl
                value={groupBy}
                onChange={(v) => setGroupBy(v as GroupBy)}
                data={[
                  { value: 'day', label: 'Day' },
                  { value: 'week', label: 'Week' },
                  { value: 'month', label: 'Month' }
                ]}
                data-testid="report-group"
              />
            </div>
          </Group>
          <LiveBadge updatedAt={report.dataUpdatedAt} fetching={report.isFetching} pulse={pulse} />
        </Group>
      </Paper>
      {report.error && <Alert color="red">{report.error.message}</Alert>}
      {!r && report.isLoading && (
        <Group justify="center" p="xl">
          <Loader />
        </Group>
      )}
      {r && (
        <div style={{ opacity: report.isPlaceholderData ? 0.45 : 1, transition: 'opacity 120ms' }} data-testid="report" data-loading={report.isPlaceholderData || undefined} data-from={r.from} data-to={r.to}>
          <Report r={r} currency={currency} />
        </div>
      )}
    </Stack>
  )
}

function LiveBadge({ updatedAt, fetching, pulse }: { updatedAt: number; fetching: boolean; pulse: number | null }) {
  const recent = pulse !== null && Date.now() - pulse < 4000
  return (
    <MTooltip label="Payments, refunds and invoices made at any desk update these figures at once.">
      <Group gap={6} pb={8} data-testid="report-live">
        {fetching ? <Loader size={10} /> : <span style={{ width: 8, height: 8, borderRadius: 4, background: recent ? '#fab005' : '#12b886', display: 'inline-block' }} />}
        <Text size="xs" c="dimmed">
          Live · updated {updatedAt ? new Date(updatedAt).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : '—'}
        </Text>
      </Group>
    </MTooltip>
  )
}

function Kpi({ label, minor, currency, hint, testId, color }: { label: string; minor: number; currency: string; hint: string; testId: string; color?: string }) {
  return (
    <Paper withBorder p="md" radius="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={700} style={{ letterSpacing: '0.04em' }}>
        {label}
      </Text>
      <Text fz={28} fw={700} c={color} style={NUM} data-testid={testId} data-minor={minor}>
        {money(minor, currency)}
      </Text>
      <Text size="xs" c="dimmed">
        {hint}
      </Text>
    </Paper>
  )
}

function CsvButton({ testId, onClick, disabled }: { testId: string; onClick: () => void; disabled?: boolean }) {
  return (
    <Button size="xs" variant="default" leftSection={<IconDownload size={14} />} onClick={onClick} disabled={disabled} data-testid={testId}>
      CSV
    </Button>
  )
}

function Report({ r, currency }: { r: FinancialReport; currency: string }) {
  const t = r.revenueTotals
  const name = (what: string) => `${what}-${r.from}-to-${r.to}.csv`
  const amt = (m: number) => decimalAmount(m, currency)
  const asOf = r.to >= utcToday() ? 'now' : `end of ${date(r.to)}`
  const owingClients = r.outstanding.clients.length

  const csvRevenue = () => {
    const rows: CsvCell[][] = [...r.revenue]
      .sort((a, b) => a.period.localeCompare(b.period) || a.category.localeCompare(b.category))
      .map((x) => [x.period, CATEGORY_LABEL[x.category], amt(x.grossMinor), amt(x.discountMinor), amt(x.creditedMinor), amt(x.netMinor)])
    rows.push(['Total', '', amt(t.grossMinor), amt(t.discountMinor), amt(t.creditedMinor), amt(t.netMinor)])
    downloadCsv(name('revenue'), toCsv([`Period (${r.groupBy})`, 'Category', `Gross (${currency})`, `Discounts (${currency})`, `Credit notes (${currency})`, `Net revenue (${currency})`], rows))
  }
  const csvMethods = () => {
    const rows: CsvCell[][] = PAYMENT_METHODS.map((m) => {
      const x = r.byMethod.find((b) => b.method === m) ?? { receivedMinor: 0, refundedMinor: 0, count: 0 }
      return [METHOD_LABEL[m], x.count, amt(x.receivedMinor), amt(x.refundedMinor), amt(x.receivedMinor - x.refundedMinor)]
    })
    downloadCsv(name('payments-by-method'), toCsv(['Method', 'Payments', `Received (${currency})`, `Refunded (${currency})`, `Net (${currency})`], rows))
  }
  const csvAging = () => {
    const a = r.aging
    const credit = a.unappliedCreditMinor ? -Math.abs(a.unappliedCreditMinor) : 0
    const rows: CsvCell[][] = [
      ['Current (0-30 days)', amt(a.currentMinor)],
      ['31-60 days', amt(a.d31to60Minor)],
      ['61-90 days', amt(a.d61to90Minor)],
      ['Over 90 days', amt(a.over90Minor)],
      ['Unapplied credit', amt(credit)],
      ['Net receivable', amt(a.currentMinor + a.d31to60Minor + a.d61to90Minor + a.over90Minor + credit)]
    ]
    downloadCsv(`ar-aging-as-of-${r.to}.csv`, toCsv(['Age', `Amount (${currency})`], rows))
  }
  const csvOutstanding = () => {
    const rows: CsvCell[][] = r.outstanding.clients.map((c) => [c.clientName, amt(c.owedMinor), c.oldestAt ? c.oldestAt.slice(0, 10) : '', c.oldestAt ? Math.max(0, daysBetween(c.oldestAt.slice(0, 10), r.to)) : ''])
    downloadCsv(`outstanding-balances-as-of-${r.to}.csv`, toCsv(['Client', `Owed (${currency})`, 'Oldest unpaid invoice', 'Days outstanding'], rows))
  }

  return (
    <Stack>
      <SimpleGrid cols={{ base: 2, lg: 4 }}>
        <Kpi label="Net revenue" minor={t.netMinor} currency={currency} testId="report-net-revenue" hint={`Gross ${money(t.grossMinor, currency)} less discounts and credit notes; tax ${money(t.taxMinor, currency)} not included`} />
        <Kpi label="Collected" minor={r.collections.collectedMinor} currency={currency} testId="report-collected" hint="Money received less refunds (client credit used is not new money)" />
        <Kpi label="Outstanding owed" minor={r.outstanding.owedMinor} currency={currency} testId="report-outstanding" color={r.outstanding.owedMinor > 0 ? 'red.7' : undefined} hint={`On finalized invoices, as of ${asOf}${owingClients ? ` · ${owingClients}${owingClients >= 25 ? '+' : ''} client${owingClients === 1 ? '' : 's'}` : ''}`} />
        <Kpi label="Unapplied credit" minor={r.outstanding.creditMinor} currency={currency} testId="report-credit" color={r.outstanding.creditMinor > 0 ? 'grape.7' : undefined} hint={`Held for clients beyond their invoices, as of ${asOf}`} />
      </SimpleGrid>
      <RevenueSection r={r} currency={currency} csv={csvRevenue} />
      <Grid>
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <MethodsSection r={r} currency={currency} csv={csvMethods} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <CollectionsSection r={r} currency={currency} />
        </Grid.Col>
      </Grid>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <AgingSection r={r} currency={currency} asOf={asOf} csv={csvAging} />
        <OutstandingSection r={r} currency={currency} asOf={asOf} csv={csvOutstanding} />
      </SimpleGrid>
    </Stack>
  )
}

// ---- revenue

function RevenueSection({ r, currency, csv }: { r: FinancialReport; currency: string; csv: () => void }) {
  const [view, setView] = useState<'period' | 'category'>('period')
  const present = BILLING_CATEGORIES.filter((c) => r.revenue.some((x) => x.category === c && (x.netMinor !== 0 || x.grossMinor !== 0)))
  const keys = periodKeys(r.from, r.to, r.groupBy) ?? [...new Set(r.revenue.map((x) => x.period))].sort()
  for (const p of new Set(r.revenue.map((x) => x.period))) if (!keys.includes(p)) keys.push(p)
  keys.sort()
  const byPeriod = keys.map((period) => {
    const rows = r.revenue.filter((x) => x.period === period)
    const row: Record<string, number | string> = { period, label: periodLabel(period, r.groupBy) }
    for (const c of present) row[c] = rows.filter((x) => x.category === c).reduce((s, x) => s + x.netMinor, 0)
    return { row, gross: rows.reduce((s, x) => s + x.grossMinor, 0), discount: rows.reduce((s, x) => s + x.discountMinor, 0), credited: rows.reduce((s, x) => s + x.creditedMinor, 0), net: rows.reduce((s, x) => s + x.netMinor, 0), period }
  })
  const byCategory = present
    .map((c) => {
      const rows = r.revenue.filter((x) => x.category === c)
      return { c, gross: rows.reduce((s, x) => s + x.grossMinor, 0), discount: rows.reduce((s, x) => s + x.discountMinor, 0), credited: rows.reduce((s, x) => s + x.creditedMinor, 0), net: rows.reduce((s, x) => s + x.netMinor, 0) }
    })
    .sort((a, b) => b.net - a.net)
  const t = r.revenueTotals
  const empty = r.revenue.length === 0
  // A period whose credit notes outweigh its sales stacks below zero; a sliver of that is not worth half the chart.
  const sums = byPeriod.map((p) => present.map((c) => Number(p.row[c] ?? 0)))
  const lowest = Math.min(0, ...sums.map((vs) => vs.filter((v) => v < 0).reduce((a, v) => a + v, 0)))
  const highest = Math.max(1, ...sums.map((vs) => vs.filter((v) => v > 0).reduce((a, v) => a + v, 0)))
  const negativeShown = lowest < -0.05 * highest

  return (
    <Section
      title="Revenue by period"
      testId="report-revenue"
      right={
        <Group gap="xs">
          <SegmentedControl
            size="xs"
            value={view}
            onChange={(v) => setView(v as 'period' | 'category')}
            data={[
              { value: 'period', label: 'By period' },
              { value: 'category', label: 'By category' }
            ]}
            data-testid="revenue-view"
          />
          <CsvButton testId="csv-revenue" onClick={csv} disabled={empty} />
        </Group>
      }
    >
      {empty ? (
        <EmptyState testId="revenue-empty" title="No revenue in this period" hint="Revenue is counted when an invoice is finalized at Checkout. Choose a longer period, or finalize the day’s invoices." />
      ) : (
        <>
          <div style={{ width: '100%', height: 300 }} data-testid="revenue-chart">
            <ResponsiveContainer>
              <BarChart data={byPeriod.map((p) => p.row)} stackOffset="sign" margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
                <CartesianGrid stroke="#e9ecef" vertical={false} />
                <XAxis dataKey="label" fontSize={12} tickLine={false} interval="preserveStartEnd" minTickGap={12} />
                <YAxis fontSize={12} tickFormatter={(v: number) => compactMoney(v, currency)} width={64} axisLine={false} tickLine={false} domain={[negativeShown ? 'auto' : 0, 'auto']} allowDataOverflow={!negativeShown} />
                <ReferenceLine y={0} stroke="#adb5bd" />
                <Tooltip
                  cursor={{ fill: 'rgba(18, 184, 134, 0.06)' }}
                  content={({ active, payload, label }) => {
                    if (!active || !payload?.length) return null
                    const total = payload.reduce((s, p) => s + Number(p.value ?? 0), 0)
                    return (
                      <Paper withBorder shadow="sm" p="xs" style={{ minWidth: 200 }}>
                        <Text size="sm" fw={600} mb={4}>
                          {String(label)}
                        </Text>
                        {[...payload].reverse().map((p) => (
                          <Group key={String(p.dataKey)} justify="space-between" gap="md">
                            <Group gap={6}>
                              <span style={{ width: 10, height: 10, borderRadius: 2, background: String(p.color), display: 'inline-block' }} />
                              <Text size="xs">{p.name}</Text>
                            </Group>
                            <Text size="xs" style={NUM}>
                              {money(Number(p.value ?? 0), currency)}
                            </Text>
                          </Group>
                        ))}
                        <Group justify="space-between" mt={4} pt={4} style={{ borderTop: '1px solid #e9ecef' }}>
                          <Text size="xs" fw={700}>
                            Net revenue
                          </Text>
                          <Text size="xs" fw={700} style={NUM}>
                            {money(total, currency)}
                          </Text>
                        </Group>
                      </Paper>
                    )
                  }}
                />
                <Legend iconType="square" iconSize={10} wrapperStyle={{ fontSize: 12 }} />
                {present.map((c) => (
                  <Bar key={c} dataKey={c} name={CATEGORY_LABEL[c]} stackId="net" fill={CATEGORY_COLOR[c]} isAnimationActive={false} maxBarSize={56} />
                ))}
              </BarChart>
            </ResponsiveContainer>
          </div>
          {view === 'period' ? (
            <Table.ScrollContainer minWidth={560} mah={byPeriod.length > 16 ? 440 : undefined}>
              <Table verticalSpacing={6} stickyHeader data-testid="revenue-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{r.groupBy === 'day' ? 'Day' : r.groupBy === 'week' ? 'Week' : 'Month'}</Table.Th>
                    <NumTh>Gross</NumTh>
                    <NumTh>Discounts</NumTh>
                    <NumTh>Credit notes</NumTh>
                    <NumTh>Net revenue</NumTh>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {byPeriod
                    .filter((p) => p.gross || p.discount || p.credited || p.net)
                    .map((p) => (
                      <Table.Tr key={p.period} data-testid={`revenue-row-${p.period}`}>
                        <Table.Td style={NUM}>{periodLabel(p.period, r.groupBy, true)}</Table.Td>
                        <MoneyTd minor={p.gross} currency={currency} />
                        <MoneyTd minor={-p.discount} currency={currency} dashIfZero />
                        <MoneyTd minor={-p.credited} currency={currency} dashIfZero />
                        <MoneyTd minor={p.net} currency={currency} strong />
                      </Table.Tr>
                    ))}
                </Table.Tbody>
                <TotalsFoot t={t} currency={currency} />
              </Table>
            </Table.ScrollContainer>
          ) : (
            <Table verticalSpacing={6} data-testid="revenue-category-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Category</Table.Th>
                  <NumTh>Gross</NumTh>
                  <NumTh>Discounts</NumTh>
                  <NumTh>Credit notes</NumTh>
                  <NumTh>Net revenue</NumTh>
                  <NumTh>Share</NumTh>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {byCategory.map((x) => (
                  <Table.Tr key={x.c} data-testid={`revenue-category-${x.c}`}>
                    <Table.Td>
                      <Group gap={8}>
                        <span style={{ width: 10, height: 10, borderRadius: 2, background: CATEGORY_COLOR[x.c], display: 'inline-block' }} />
                        {CATEGORY_LABEL[x.c]}
                      </Group>
                    </Table.Td>
                    <MoneyTd minor={x.gross} currency={currency} />
                    <MoneyTd minor={-x.discount} currency={currency} dashIfZero />
                    <MoneyTd minor={-x.credited} currency={currency} dashIfZero />
                    <MoneyTd minor={x.net} currency={currency} strong />
                    <Table.Td ta="right" style={NUM}>
                      <Text size="sm" c="dimmed" style={NUM}>
                        {t.netMinor > 0 ? `${((x.net / t.netMinor) * 100).toFixed(1)} %` : '—'}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
              <TotalsFoot t={t} currency={currency} extraCol />
            </Table>
          )}
        </>
      )}
    </Section>
  )
}

function TotalsFoot({ t, currency, extraCol }: { t: FinancialReport['revenueTotals']; currency: string; extraCol?: boolean }) {
  return (
    <Table.Tfoot style={{ position: 'sticky', bottom: 0, background: 'var(--mantine-color-body)', boxShadow: '0 -1px 0 var(--mantine-color-gray-3)' }}>
      <Table.Tr>
        <Table.Th>Total</Table.Th>
        <MoneyTd minor={t.grossMinor} currency={currency} strong testId="revenue-total-gross" />
        <MoneyTd minor={-t.discountMinor} currency={currency} strong dashIfZero />
        <MoneyTd minor={-t.creditedMinor} currency={currency} strong dashIfZero />
        <MoneyTd minor={t.netMinor} currency={currency} strong testId="revenue-total-net" />
        {extraCol && <Table.Td />}
      </Table.Tr>
      <Table.Tr>
        <Table.Td colSpan={4}>
          <Text size="xs" c="dimmed">
            Sales tax collected (owed to the tax authority, not revenue)
          </Text>
        </Table.Td>
        <MoneyTd minor={t.taxMinor} currency={currency} dashIfZero testId="revenue-total-tax" />
        {extraCol && <Table.Td />}
      </Table.Tr>
    </Table.Tfoot>
  )
}

// ---- money by method

function MethodsSection({ r, currency, csv }: { r: FinancialReport; currency: string; csv: () => void }) {
  const rows = PAYMENT_METHODS.map((m) => ({ method: m, ...(r.byMethod.find((b) => b.method === m) ?? { receivedMinor: 0, refundedMinor: 0, count: 0 }) }))
  const money_ = rows.filter((x) => x.method !== 'credit')
  const totalIn = money_.reduce((s, x) => s + x.receivedMinor, 0)
  const totalBack = money_.reduce((s, x) => s + x.refundedMinor, 0)
  return (
    <Section title="Payments and refunds by method" testId="report-methods" right={<CsvButton testId="csv-methods" onClick={csv} />}>
      <Table.ScrollContainer minWidth={520}>
        <Table verticalSpacing={6} data-testid="methods-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Method</Table.Th>
              <NumTh>Payments</NumTh>
              <NumTh>Received</NumTh>
              <NumTh>Refunded</NumTh>
              <NumTh>Net</NumTh>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((x) => (
              <Table.Tr key={x.method} data-testid={`report-method-${x.method}`} style={x.method === 'credit' ? { fontStyle: 'italic' } : undefined}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Text size="sm" c={x.count || x.refundedMinor ? undefined : 'dimmed'}>
                    {METHOD_LABEL[x.method]}
                    {x.method === 'credit' ? ' *' : ''}
                  </Text>
                </Table.Td>
                <Table.Td ta="right" style={NUM}>
                  <Text size="sm" c={x.count ? undefined : 'dimmed'} style={NUM} data-testid={`report-method-${x.method}-count`}>
                    {x.count}
                  </Text>
                </Table.Td>
                <MoneyTd minor={x.receivedMinor} currency={currency} testId={`report-method-${x.method}-received`} />
                <MoneyTd minor={x.refundedMinor ? -x.refundedMinor : 0} currency={currency} color={x.refundedMinor ? 'orange.8' : undefined} testId={`report-method-${x.method}-refunded`} />
                <MoneyTd minor={x.receivedMinor - x.refundedMinor} currency={currency} strong testId={`report-method-${x.method}-net`} />
              </Table.Tr>
            ))}
          </Table.Tbody>
          <Table.Tfoot>
            <Table.Tr>
              <Table.Th>Money in</Table.Th>
              <Table.Td ta="right" style={NUM}>
                <Text size="sm" fw={700} style={NUM}>
                  {money_.reduce((s, x) => s + x.count, 0)}
                </Text>
              </Table.Td>
              <MoneyTd minor={totalIn} currency={currency} strong testId="report-methods-received" />
              <MoneyTd minor={-totalBack} currency={currency} strong dashIfZero testId="report-methods-refunded" />
              <MoneyTd minor={totalIn - totalBack} currency={currency} strong testId="report-methods-net" />
            </Table.Tr>
          </Table.Tfoot>
        </Table>
      </Table.ScrollContainer>
      <Text size="xs" c="dimmed">
        * Client credit applied to invoices moves no money and is left out of “Money in”. Refunds count on the day they settled.
      </Text>
    </Section>
  )
}

// ---- collections

function CollectionsSection({ r, currency }: { r: FinancialReport; currency: string }) {
  const c = r.collections
  const max = Math.max(c.invoicedMinor, c.collectedMinor, c.writtenOffMinor, 1)
  const rate = c.invoicedMinor > 0 ? (c.collectedMinor / c.invoicedMinor) * 100 : null
  const bars: { label: string; minor: number; color: string; testId: string }[] = [
    { label: 'Invoiced', minor: c.invoicedMinor, color: 'blue', testId: 'collections-invoiced' },
    { label: 'Collected', minor: c.collectedMinor, color: 'teal', testId: 'collections-collected' },
    { label: 'Written off', minor: c.writtenOffMinor, color: 'red', testId: 'collections-written-off' }
  ]
  return (
    <Section
      title="Collections"
      testId="report-collections"
      right={
        rate !== null && (
          <Badge size="lg" variant="light" color={rate >= 90 ? 'teal' : rate >= 70 ? 'yellow' : 'red'} data-testid="collections-rate">
            {rate.toFixed(0)} % collected
          </Badge>
        )
      }
    >
      <Stack gap="md">
        {bars.map((b) => (
          <div key={b.label}>
            <Group justify="space-between" mb={4}>
              <Text size="sm" fw={500}>
                {b.label}
              </Text>
              <Text size="sm" fw={700} style={NUM} data-testid={b.testId} data-minor={b.minor}>
                {money(b.minor, currency)}
              </Text>
            </Group>
            <Progress value={(b.minor / max) * 100} color={b.color} size="lg" radius="sm" />
          </div>
        ))}
      </Stack>
      <Text size="xs" c="dimmed">
        Invoiced: invoices finalized in the period. Collected: money received in the period less refunds, whichever invoices it paid, so the rate can pass 100 %. Written off: bad debt booked in the period.
      </Text>
    </Section>
  )
}

// ---- A/R aging

const AGING_COLORS = ['#12b886', '#fab005', '#fd7e14', '#fa5252', '#be4bdb']

function AgingSection({ r, currency, asOf, csv }: { r: FinancialReport; currency: string; asOf: string; csv: () => void }) {
  const a = r.aging
  const credit = a.unappliedCreditMinor ? -Math.abs(a.unappliedCreditMinor) : 0
  const buckets = [
    { key: 'current', label: 'Current', short: '0–30 d', sub: '0–30 days', minor: a.currentMinor },
    { key: '31-60', label: '31–60 days', short: '31–60 d', sub: '', minor: a.d31to60Minor },
    { key: '61-90', label: '61–90 days', short: '61–90 d', sub: '', minor: a.d61to90Minor },
    { key: '90-plus', label: 'Over 90 days', short: '90+ d', sub: '', minor: a.over90Minor },
    { key: 'credit', label: 'Unapplied credit', short: 'Credit', sub: '', minor: credit }
  ]
  const owed = a.currentMinor + a.d31to60Minor + a.d61to90Minor + a.over90Minor
  const nothing = owed === 0 && credit === 0
  return (
    <Section title={`A/R aging (as of ${asOf})`} testId="report-aging" right={<CsvButton testId="csv-aging" onClick={csv} />}>
      {nothing ? (
        <EmptyState testId="aging-empty" title="Nothing owed and no credit held" hint="Every finalized invoice is paid. Unpaid invoices appear here by how long ago they were finalized." />
      ) : (
        <div style={{ width: '100%', height: 200 }} data-testid="aging-chart">
          <ResponsiveContainer>
            <BarChart data={buckets.map((b) => ({ name: b.short, value: b.minor }))} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
              <CartesianGrid stroke="#e9ecef" vertical={false} />
              <XAxis dataKey="name" fontSize={12} tickLine={false} interval={0} />
              <YAxis fontSize={12} tickFormatter={(v: number) => compactMoney(v, currency)} width={64} axisLine={false} tickLine={false} />
              <ReferenceLine y={0} stroke="#adb5bd" />
              <Tooltip formatter={(v) => [money(Number(v), currency), 'Amount']} cursor={{ fill: 'rgba(0,0,0,0.04)' }} />
              <Bar dataKey="value" isAnimationActive={false} maxBarSize={64}>
                {buckets.map((b, k) => (
                  <Cell key={b.key} fill={AGING_COLORS[k]} />
                ))}
              </Bar>
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
      <Table verticalSpacing={6} data-testid="aging-table">
        <Table.Tbody>
          {buckets.map((b, k) => (
            <Table.Tr key={b.key}>
              <Table.Td>
                <Group gap={8}>
                  <span style={{ width: 10, height: 10, borderRadius: 2, background: AGING_COLORS[k], display: 'inline-block' }} />
                  <Text size="sm">{b.label}</Text>
                  {b.sub && (
                    <Text size="xs" c="dimmed">
                      {b.sub}
                    </Text>
                  )}
                </Group>
              </Table.Td>
              <MoneyTd minor={b.minor} currency={currency} testId={`aging-${b.key}`} color={b.key === '90-plus' && b.minor > 0 ? 'red.7' : b.key === 'credit' && b.minor ? 'grape.7' : undefined} />
            </Table.Tr>
          ))}
        </Table.Tbody>
        <Table.Tfoot>
          <Table.Tr>
            <Table.Th>Net receivable</Table.Th>
            <MoneyTd minor={owed + credit} currency={currency} strong testId="aging-net" />
          </Table.Tr>
        </Table.Tfoot>
      </Table>
    </Section>
  )
}

// ---- outstanding balances

function OutstandingSection({ r, currency, asOf, csv }: { r: FinancialReport; currency: string; asOf: string; csv: () => void }) {
  const clients = r.outstanding.clients
  const shown = clients.reduce((s, c) => s + c.owedMinor, 0)
  return (
    <Section title={`Outstanding balances (as of ${asOf})`} testId="report-outstanding-balances" right={<CsvButton testId="csv-outstanding" onClick={csv} disabled={clients.length === 0} />}>
      {clients.length === 0 ? (
        <EmptyState testId="outstanding-empty" title="No client owes anything" hint="Clients with unpaid finalized invoices appear here, largest balance first." />
      ) : (
        <Table.ScrollContainer minWidth={420} mah={320}>
          <Table verticalSpacing={6} stickyHeader data-testid="outstanding-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Client</Table.Th>
                <Table.Th>Oldest unpaid</Table.Th>
                <NumTh>Owed</NumTh>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {clients.map((c) => {
                const days = c.oldestAt ? Math.max(0, daysBetween(c.oldestAt.slice(0, 10), r.to >= utcToday() ? utcToday() : r.to)) : null
                return (
                  <Table.Tr key={c.clientId} data-testid={`outstanding-row-${c.clientId}`}>
                    <Table.Td>
                      <Anchor component={Link} to={`/clients/${c.clientId}`} size="sm">
                        {c.clientName}
                      </Anchor>
                    </Table.Td>
                    <Table.Td style={NUM}>
                      <Text size="sm" span>
                        {c.oldestAt ? date(c.oldestAt) : '—'}
                      </Text>
                      {days !== null && (
                        <Text size="xs" span c={days > 90 ? 'red.7' : days > 30 ? 'orange.7' : 'dimmed'} ml={6}>
                          {days} d
                        </Text>
                      )}
                    </Table.Td>
                    <MoneyTd minor={c.owedMinor} currency={currency} strong />
                  </Table.Tr>
                )
              })}
            </Table.Tbody>
            <Table.Tfoot>
              <Table.Tr>
                <Table.Th colSpan={2}>{clients.length >= 25 ? `Top ${clients.length} of all owing · total owed ${money(r.outstanding.owedMinor, currency)}` : 'Total'}</Table.Th>
                <MoneyTd minor={clients.length >= 25 ? shown : r.outstanding.owedMinor} currency={currency} strong />
              </Table.Tr>
            </Table.Tfoot>
          </Table>
        </Table.ScrollContainer>
      )}
    </Section>
  )
}
