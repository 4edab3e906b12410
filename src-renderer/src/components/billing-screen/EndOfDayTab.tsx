import { useState } from 'react'
import { Alert, Badge, Button, Group, Loader, Paper, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core'
import { IconRefresh } from '@tabler/icons-react'
import { useQueryClient } from '@tanstack/react-query'
import type { CardReconciliation, MethodInput } from '../../../../src-preload/contract'
import { useApi, useCall } from '../../api/hooks'
import type { ApiClientError } from '../../api/client'
import { dateTime, money } from '../../format'
import { useRefetchOn } from './live'
import { NUM, useCurrency, useToday } from '../billing-shared'
import { EmptyRow, MoneyTd, NumTh, Section, isDay } from './shared'

const STATUS: Record<CardReconciliation['rows'][number]['status'], { label: string; color: string; hint: string }> = {
  unchecked: { label: 'Not checked', color: 'gray', hint: 'The payment service’s side is not read yet' },
  matched: { label: 'Matched', color: 'green', hint: 'Same amount and refunds on both sides' },
  not_in_vetos: { label: 'Not in VetOS', color: 'red', hint: 'The payment service charged a card VetOS has no payment for' },
  not_at_provider: { label: 'Not at the payment service', color: 'red', hint: 'VetOS recorded a card payment the payment service has no charge for' },
  differs: { label: 'Differs', color: 'orange', hint: 'The amount or what was refunded differs between the two sides' }
}
const ORDER = { not_in_vetos: 0, not_at_provider: 1, differs: 2, matched: 3, unchecked: 4 } as const

/**
 * End of day: the day's card payments in VetOS against the payment service's charges. The service's
 * side is fetched in the background: while it is, the screen waits (live event, and a poll every 2 s).
 */
export function EndOfDayTab() {
  const api = useApi()
  const qc = useQueryClient()
  const currency = useCurrency()
  const today = useToday()
  // the day picked, else today (which may change once the clinic's timezone is read)
  const [picked, setDay] = useState<string | null>(null)
  const day = picked ?? today
  const [refreshing, setRefreshing] = useState(false)
  const [refreshError, setRefreshError] = useState<ApiClientError | null>(null)
  const valid = isDay(day) && day <= today
  const input: MethodInput<'billing.cardReconciliation'> = { date: day, refresh: false }
  const rec = useCall('billing.cardReconciliation', input, {
    enabled: valid,
    refetchInterval: (q) => (q.state.data?.state === 'fetching' ? 2000 : false)
  })
  useRefetchOn(['billing.cardReconciliation'], (c) => c.entity === 'card' && c.id === `reconciliation:${day}`)
  const d = rec.data

  const refresh = async () => {
    setRefreshing(true)
    setRefreshError(null)
    try {
      const fresh = await api.call('billing.cardReconciliation', { date: day, refresh: true })
      qc.setQueryData(['billing.cardReconciliation', input], fresh)
    } catch (e) {
      setRefreshError(e as ApiClientError)
    } finally {
      setRefreshing(false)
    }
  }

  const rows = [...(d?.rows ?? [])].sort((a, b) => ORDER[a.status] - ORDER[b.status])
  const ready = d?.state === 'ready'
  const fetching = d?.state === 'fetching'
  const diff = d ? d.totals.localMinor - d.totals.providerMinor : 0

  return (
    <Stack>
      <Paper withBorder p="sm">
        <Group align="flex-end" justify="space-between">
          <Group align="flex-end">
            <TextInput label="Day" type="date" w={170} value={day} max={today} onChange={(e) => setDay(e.currentTarget.value)} error={isDay(day) && !valid ? 'not a day to come' : undefined} data-testid="eod-date" />
            <Button variant="light" leftSection={<IconRefresh size={16} />} onClick={refresh} loading={refreshing} disabled={!valid || fetching} data-testid="eod-refresh">
              Refresh from the payment service
            </Button>
          </Group>
          {d?.checkedAt && (
            <Text size="xs" c="dimmed" pb={8} data-testid="eod-checked-at">
              Payment service checked {dateTime(d.checkedAt)}
            </Text>
          )}
        </Group>
      </Paper>
      {(rec.error ?? refreshError) && <Alert color="red">{(rec.error ?? refreshError)!.message}</Alert>}
      {rec.isLoading && (
        <Group justify="center" p="xl">
          <Loader />
        </Group>
      )}
      {fetching && (
        <Paper withBorder p="xl" data-testid="eod-fetching">
          <Stack align="center" gap="xs">
            <Loader />
            <Text fw={500}>Asking the payment service for the day’s card charges…</Text>
            <Text size="sm" c="dimmed">
              This usually takes a few seconds. The comparison appears here by itself.
            </Text>
          </Stack>
        </Paper>
      )}
      {d?.state === 'unavailable' && (
        <Alert color="yellow" title="The payment service’s side is not available" data-testid="eod-unavailable">
          {d.message ?? 'The payment service could not be asked.'} The day’s card payments as VetOS recorded them are below, not compared.
        </Alert>
      )}
      {d && !fetching && (
        <>
          <SimpleGrid cols={{ base: 2, md: 4 }}>
            <Stat label="Card payments in VetOS" value={money(d.totals.localMinor, currency)} testId="eod-local-total" minor={d.totals.localMinor} />
            <Stat label="Charges at the payment service" value={ready ? money(d.totals.providerMinor, currency) : '—'} testId="eod-provider-total" minor={d.totals.providerMinor} sub={ready && diff !== 0 ? `${money(Math.abs(diff), currency)} ${diff > 0 ? 'more in VetOS' : 'more at the service'}` : undefined} subColor="orange.8" />
            <Stat label="Matched" value={ready ? String(d.totals.matched) : '—'} testId="eod-matched" color={ready ? 'teal.7' : undefined} />
            <Stat label="To look into" value={ready ? String(d.totals.problems) : '—'} testId="eod-problems" color={ready && d.totals.problems > 0 ? 'red.7' : undefined} />
          </SimpleGrid>
          {ready && d.totals.problems === 0 && d.rows.length > 0 && (
            <Alert color="teal" variant="light" data-testid="eod-all-matched">
              Every card payment matches the payment service. The day’s card takings balance.
            </Alert>
          )}
          <Section title="Card payments" testId="eod-section">
            <Table verticalSpacing="xs" data-testid="eod-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Client</Table.Th>
                  <Table.Th>Payment service reference</Table.Th>
                  <NumTh>VetOS</NumTh>
                  <NumTh>Payment service</NumTh>
                  <NumTh>Refunded (VetOS)</NumTh>
                  <NumTh>Refunded (service)</NumTh>
                  <Table.Th>Status</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.length === 0 && <EmptyRow cols={7} testId="eod-empty" title="No card payments on this day" hint="Card payments taken at Checkout on a terminal are compared here with the payment service’s charges." />}
                {rows.map((x, k) => {
                  const s = STATUS[x.status]
                  const problem = ready && x.status !== 'matched'
                  return (
                    <Table.Tr key={x.paymentId ?? x.providerRef ?? k} bg={problem ? (x.status === 'differs' ? 'orange.0' : 'red.0') : undefined} data-testid={`eod-row-${x.paymentId ?? x.providerRef}`} data-status={ready ? x.status : 'unchecked'}>
                      <Table.Td>{x.clientName ?? <Text span size="sm" c="dimmed">Unknown</Text>}</Table.Td>
                      <Table.Td>
                        <Text size="xs" ff="monospace" c={x.providerRef ? undefined : 'dimmed'}>
                          {x.providerRef ?? 'none'}
                        </Text>
                      </Table.Td>
                      <MoneyTd minor={x.localMinor} currency={currency} dashIfZero={x.status === 'not_in_vetos'} />
                      {ready ? <MoneyTd minor={x.providerMinor} currency={currency} dashIfZero={x.status === 'not_at_provider'} /> : <Table.Td ta="right"><Text span size="sm" c="dimmed">—</Text></Table.Td>}
                      <MoneyTd minor={x.localRefundedMinor} currency={currency} dashIfZero />
                      {ready ? <MoneyTd minor={x.providerRefundedMinor} currency={currency} dashIfZero /> : <Table.Td ta="right"><Text span size="sm" c="dimmed">—</Text></Table.Td>}
                      <Table.Td>
                        {ready ? (
                          <Badge color={s.color} variant={x.status === 'matched' ? 'light' : 'filled'} size="sm" title={s.hint} data-testid={`eod-status-${x.paymentId ?? x.providerRef}`}>
                            {s.label}
                          </Badge>
                        ) : (
                          <Badge color="gray" variant="light" size="sm">
                            Not checked
                          </Badge>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  )
                })}
              </Table.Tbody>
              {rows.length > 0 && (
                <Table.Tfoot>
                  <Table.Tr>
                    <Table.Th colSpan={2}>Total</Table.Th>
                    <MoneyTd minor={d.totals.localMinor} currency={currency} strong />
                    {ready ? <MoneyTd minor={d.totals.providerMinor} currency={currency} strong /> : <Table.Td />}
                    <MoneyTd minor={rows.reduce((s, x) => s + x.localRefundedMinor, 0)} currency={currency} strong dashIfZero />
                    {ready ? <MoneyTd minor={rows.reduce((s, x) => s + x.providerRefundedMinor, 0)} currency={currency} strong dashIfZero /> : <Table.Td />}
                    <Table.Td />
                  </Table.Tr>
                </Table.Tfoot>
              )}
            </Table>
          </Section>
        </>
      )}
    </Stack>
  )
}

function Stat({ label, value, testId, minor, color, sub, subColor }: { label: string; value: string; testId: string; minor?: number; color?: string; sub?: string; subColor?: string }) {
  return (
    <Paper withBorder p="md" radius="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text fz={24} fw={700} c={color} style={NUM} data-testid={testId} data-minor={minor}>
        {value}
      </Text>
      {sub && (
        <Text size="xs" c={subColor}>
          {sub}
        </Text>
      )}
    </Paper>
  )
}
