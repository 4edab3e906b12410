/**
 * Checkout (Operations): the front desk's all-day screen. Left, the day's visits with the state of
 * their invoice (and a client search for a payment without a visit); right, the selected visit's
 * invoice: lines, Finalize, Take payment (card terminal, cash with change, check, client credit,
 * an external terminal; split across methods), receipts, and its estimates with deposits.
 * What is selected lives in the address, so Back from a receipt returns to it.
 */
import { Grid, Group, Paper, Stack, Text, Title } from '@mantine/core'
import { IconCashRegister } from '@tabler/icons-react'
import { useSearchParams } from 'react-router-dom'
import { useCall } from '../api/hooks'
import { CardServiceBanner } from '../components/checkout/PaymentPanel'
import { ClientSearch, VisitList } from '../components/checkout/VisitList'
import { ClientCheckout, VisitCheckout } from '../components/checkout/Workspaces'
import { useToday } from '../components/billing-shared'

export function CheckoutScreen() {
  const [params, setParams] = useSearchParams()
  const today = useToday()
  const day = params.get('date') ?? today
  const visitId = params.get('visit')
  const clientId = params.get('client')
  const visits = useCall('billing.checkout', { date: day })
  const visit = visitId ? (visits.data ?? []).find((v) => v.visitId === visitId) : undefined

  const update = (changes: Record<string, string | null>, replace = false) => {
    const next = new URLSearchParams(params)
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) next.delete(k)
      else next.set(k, v)
    }
    setParams(next, { replace })
  }

  return (
    <Stack maw={1500} data-testid="checkout">
      <Group justify="space-between">
        <Title order={2}>Checkout</Title>
      </Group>
      <CardServiceBanner />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 5, lg: 4 }}>
          <Stack>
            <VisitList
              day={day}
              onDay={(d) => update({ date: d === today ? null : d, visit: null, tab: null, estimate: null })}
              selected={visitId}
              onSelect={(v) => update({ visit: v.visitId, client: null, item: null, tab: null, estimate: null })}
            />
            <ClientSearch selected={clientId} onPick={(id) => update({ client: id, visit: null, item: null, tab: null, estimate: null })} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7, lg: 8 }}>
          {visit ? (
            <VisitCheckout
              key={visit.visitId}
              visit={visit}
              tab={params.get('tab') ?? 'invoice'}
              onTab={(t) => update({ tab: t === 'invoice' ? null : t }, true)}
              estimateId={params.get('estimate')}
              onEstimate={(id) => update({ estimate: id }, true)}
            />
          ) : clientId ? (
            <ClientCheckout key={clientId} clientId={clientId} selected={params.get('item')} onSelect={(s) => update({ item: s }, true)} />
          ) : (
            <Paper withBorder p="xl" data-testid="checkout-empty">
              <Stack align="center" gap="xs" py="xl">
                <IconCashRegister size={40} color="var(--mantine-color-gray-5)" />
                <Text fw={600}>{visitId && visits.isSuccess ? 'That visit is not on this day' : 'Choose a visit to check out'}</Text>
                <Text size="sm" c="dimmed" ta="center" maw={420}>
                  Pick a visit on the left to see its invoice and take payment, or find a client to take a payment without a visit.
                </Text>
              </Stack>
            </Paper>
          )}
        </Grid.Col>
      </Grid>
    </Stack>
  )
}
