/**
 * Today, the home screen: the clinic's day as the desk and the vet act on it. The day's visits by
 * where they stand, each with its next step one click away (check in, start, open the chart, check
 * out); what waits for review; lab orders that are stuck; unpaid balances; missing-pet matches.
 * Every section is on the page for everyone; the order follows the role (a vet's review first, the
 * desk's arrivals and checkout first). Live: every change in the clinic refreshes it (useLiveEvents
 * in the Shell invalidates the read), and it turns over at the clinic's midnight.
 */
import type { ReactNode } from 'react'
import { useState } from 'react'
import { Alert, Anchor, Badge, Button, Group, Loader, Paper, SegmentedControl, SimpleGrid, Stack, Text, Title, Tooltip } from '@mantine/core'
import { IconAlertTriangle, IconCash, IconClockPause, IconDog, IconFlask, IconRadioactive } from '@tabler/icons-react'
import { Link } from 'react-router-dom'
import type { TodayGroup, TodayOverview, TodayVisit } from '../../../src-preload/contract'
import { useAction, useCall } from '../api/hooks'
import { useMe } from '../App'
import { SPECIES_LABEL, money } from '../format'
import { clinicTime } from '../components/billing-shared'

const GROUPS: { key: TodayGroup; label: string; color: string; empty: string }[] = [
  { key: 'booked', label: 'Booked', color: 'gray', empty: 'No more appointments today.' },
  { key: 'checked_in', label: 'Checked in', color: 'blue', empty: 'Nobody is waiting.' },
  { key: 'in_progress', label: 'In progress', color: 'teal', empty: 'No visit under way.' },
  { key: 'ready_for_checkout', label: 'Ready for checkout', color: 'orange', empty: 'Nothing to check out.' },
  { key: 'done', label: 'Done', color: 'green', empty: 'No visit finished yet.' }
]


function dayTitle(day: string): string {
  return new Date(`${day}T12:00:00Z`).toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
}

/** "12 min", "3 h", "2 d" since an instant: how long something has waited. */
function waited(iso: string): string {
  const min = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 60_000))
  if (min < 60) return `${min} min`
  if (min < 48 * 60) return `${Math.round(min / 60)} h`
  return `${Math.round(min / 1440)} d`
}

export function TodayScreen() {
  const me = useMe()
  const overview = useCall('today.overview', {}, { refetchInterval: 60_000 })
  const [scope, setScope] = useState<'all' | 'mine'>('all')
  const o = overview.data
  if (!o) return <Stack>{overview.error ? <Text c="red">{overview.error.message}</Text> : <Loader />}</Stack>

  const vet = me.role === 'veterinarian'
  const visits = vet && scope === 'mine' ? o.visits.filter((v) => v.veterinarianId === me.id) : o.visits
  const board = <VisitBoard key="board" o={o} visits={visits} />
  const review = <ReviewCards key="review" o={o} />
  const desk = <DeskCards key="desk" o={o} />
  // A vet reads results first; a technician chases review and stuck orders; the desk runs arrivals and checkout.
  const order = vet ? [review, board, desk] : me.role === 'technician' ? [review, board, desk] : [board, desk, review]

  return (
    <Stack maw={1600} gap="md" data-testid="today">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Today</Title>
          <Text c="dimmed" size="sm" data-testid="today-day">
            {dayTitle(o.day)}
          </Text>
        </div>
        {vet && (
          <SegmentedControl
            size="xs"
            value={scope}
            onChange={(v) => setScope(v as 'all' | 'mine')}
            data={[
              { value: 'all', label: 'Every visit' },
              { value: 'mine', label: 'My patients' }
            ]}
            data-testid="today-scope"
          />
        )}
      </Group>
      {order}
    </Stack>
  )
}

function VisitBoard({ o, visits }: { o: TodayOverview; visits: TodayVisit[] }) {
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 5 }} spacing="sm" data-testid="today-visits">
      {GROUPS.map((g) => {
        const rows = visits.filter((v) => v.group === g.key)
        return (
          <Paper key={g.key} withBorder p="xs" bg="gray.0" data-testid={`today-group-${g.key}`}>
            <Group justify="space-between" mb={6} px={4} wrap="nowrap" gap={4}>
              <Text fw={600} size="sm" truncate>
                {g.label}
              </Text>
              <Badge color={g.color} variant="light" size="sm" data-testid="today-group-count">
                {rows.length}
              </Badge>
            </Group>
            <Stack gap={6} mah={360} style={{ overflowY: 'auto' }}>
              {rows.length === 0 && (
                <Text size="xs" c="dimmed" px={4} py="xs">
                  {g.empty}
                </Text>
              )}
              {rows.map((v) => (
                <VisitCard key={v.visitId} v={v} tz={o.timezone} day={o.day} />
              ))}
            </Stack>
          </Paper>
        )
      })}
    </SimpleGrid>
  )
}

function VisitCard({ v, tz, day }: { v: TodayVisit; tz: string; day: string }) {
  const move = useAction('visits.setStatus')
  const step = (status: 'checked_in' | 'in_progress' | 'completed') => move.mutate({ id: v.visitId, status })
  // carried over from an earlier day (a patient kept overnight)
  const earlier = new Date(v.at).toLocaleDateString('en-CA', { timeZone: tz }) !== day
  const patient = `/patients/${v.patientId}`
  let next: ReactNode
  if (v.group === 'booked')
    next = (
      <Button size="compact-xs" onClick={() => step('checked_in')} loading={move.isPending}>
        Check in
      </Button>
    )
  else if (v.group === 'checked_in')
    next = (
      <Button size="compact-xs" color="teal" onClick={() => step('in_progress')} loading={move.isPending}>
        Start
      </Button>
    )
  else if (v.group === 'in_progress')
    next = (
      <Group gap={4}>
        <Button size="compact-xs" variant="light" component={Link} to={patient}>
          Open chart
        </Button>
        <Button size="compact-xs" variant="default" onClick={() => step('completed')} loading={move.isPending}>
          Finish
        </Button>
      </Group>
    )
  else if (v.group === 'ready_for_checkout')
    next = (
      <Button size="compact-xs" color="orange" component={Link} to={`/checkout?visit=${v.visitId}`}>
        Check out
      </Button>
    )
  else next = null
  return (
    <Paper withBorder p={8} radius="sm" data-testid="today-visit" data-visit={v.visitId}>
      <Group justify="space-between" wrap="nowrap" gap={4}>
        <Text size="xs" c={earlier ? 'orange.8' : 'dimmed'} style={{ whiteSpace: 'nowrap' }}>
          {earlier ? `since ${new Date(v.at).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: tz })}` : clinicTime(v.at) /* the clinic's clock, wherever the browser is */}
        </Text>
        {v.missing && (
          <Tooltip label={v.missing === 'exact' ? 'Reported missing on PetMayday (microchip)' : 'Possible PetMayday missing-pet match'}>
            <Badge size="xs" color={v.missing === 'exact' ? 'red' : 'yellow'} variant="filled" data-testid="today-visit-missing">
              {v.missing === 'exact' ? 'Missing' : 'Possible match'}
            </Badge>
          </Tooltip>
        )}
      </Group>
      <Anchor component={Link} to={patient} fw={600} size="sm" data-testid="today-visit-patient" truncate display="block">
        {v.patientName}
      </Anchor>
      <Text size="xs" c="dimmed" truncate>
        {SPECIES_LABEL[v.species] ?? v.species} · {v.clientName}
      </Text>
      <Text size="xs" mt={2} lineClamp={2}>
        {v.reason}
      </Text>
      <Group justify="space-between" mt={6} gap={4} wrap="nowrap">
        <Text size="xs" c="dimmed" truncate>
          {v.veterinarianName ?? 'No vet assigned'}
        </Text>
        <div style={{ flexShrink: 0 }}>{next}</div>
      </Group>
      {v.group === 'ready_for_checkout' && v.invoice && v.invoice.state !== 'draft' && (
        <Text size="xs" c="orange.8" mt={4}>
          Due {money(v.invoice.dueMinor)}
        </Text>
      )}
      {move.error && (
        <Text size="xs" c="red" mt={4}>
          {move.error.message}
        </Text>
      )}
    </Paper>
  )
}

/** A section's frame: a title with its count, what to do, and its rows. */
function Section({ title, icon, count, color, to, testId, children, empty }: { title: string; icon: ReactNode; count: number; color: string; to?: string; testId: string; children?: ReactNode; empty: string }) {
  return (
    <Paper withBorder p="sm" data-testid={testId}>
      <Group justify="space-between" mb="xs" wrap="nowrap">
        <Group gap={6} wrap="nowrap">
          {icon}
          <Text fw={600} size="sm">
            {title}
          </Text>
        </Group>
        {to ? (
          <Anchor component={Link} to={to} size="sm" fw={700} c={count ? `${color}.8` : 'dimmed'} data-testid={`${testId}-count`}>
            {count}
          </Anchor>
        ) : (
          <Text size="sm" fw={700} c={count ? `${color}.8` : 'dimmed'} data-testid={`${testId}-count`}>
            {count}
          </Text>
        )}
      </Group>
      {count === 0 ? (
        <Text size="xs" c="dimmed">
          {empty}
        </Text>
      ) : (
        <Stack gap={4}>{children}</Stack>
      )}
    </Paper>
  )
}

function Row({ to, main, side, testId }: { to: string; main: ReactNode; side?: ReactNode; testId?: string }) {
  return (
    <Group justify="space-between" wrap="nowrap" gap={6} data-testid={testId}>
      <Anchor component={Link} to={to} size="xs" truncate style={{ minWidth: 0 }}>
        {main}
      </Anchor>
      {side && (
        <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
          {side}
        </Text>
      )}
    </Group>
  )
}

function ReviewCards({ o }: { o: TodayOverview }) {
  const { lab, imaging, toRead } = o.review
  return (
    <SimpleGrid cols={{ base: 1, md: 3 }} spacing="sm" data-testid="today-review">
      <Section title="Results to read" icon={<IconFlask size={18} />} count={toRead.count} color="teal" testId="today-to-read" empty="Every final result has been read.">
        {toRead.mine > 0 && (
          <Text size="xs" c="teal.8" fw={500}>
            {toRead.mine} of yours
          </Text>
        )}
        {toRead.oldest.map((r) => (
          <Row key={r.orderId} to={`/patients/${r.patientId}?tab=labs`} main={`${r.patientName}: ${r.tests || r.orderNumber}`} side={`${r.mine ? 'yours · ' : ''}${waited(r.since)}`} />
        ))}
      </Section>
      <Section title="Lab results to match" icon={<IconFlask size={18} />} count={lab.count} color="orange" to="/lab-review" testId="today-lab-review" empty="No result waits in Lab Review.">
        {lab.oldest.map((r) => (
          <Row key={r.id} to="/lab-review" main={`${r.who}: ${r.title}`} side={waited(r.receivedAt)} />
        ))}
      </Section>
      <Section title="Studies to match" icon={<IconRadioactive size={18} />} count={imaging.count} color="orange" to="/imaging-review" testId="today-imaging-review" empty="No study waits in Imaging Review.">
        {imaging.oldest.map((r) => (
          <Row key={r.id} to="/imaging-review" main={`${r.who}: ${r.title}`} side={waited(r.receivedAt)} />
        ))}
      </Section>
    </SimpleGrid>
  )
}

const STUCK_WORDS = { rejected: 'Rejected by the lab', failed: 'Failed to send', link_down: 'Waiting: link down' } as const

function DeskCards({ o }: { o: TodayOverview }) {
  const me = useMe()
  const { stuckOrders, balances, missingPets } = o
  return (
    <SimpleGrid cols={{ base: 1, md: 3 }} spacing="sm" data-testid="today-desk">
      <Section title="Missing-pet alerts" icon={<IconDog size={18} />} count={missingPets.count} color="red" to="/lost-found" testId="today-missing" empty="No patient matches a PetMayday missing-pet report.">
        {missingPets.items.slice(0, 5).map((m) => (
          <Row
            key={`${m.patientId}:${m.reportId}`}
            to={`/patients/${m.patientId}`}
            testId="today-missing-item"
            main={
              <>
                <Badge size="xs" color={m.kind === 'exact' ? 'red' : 'yellow'} mr={4} variant={m.kind === 'exact' ? 'filled' : 'light'}>
                  {m.kind === 'exact' ? 'Missing' : 'Possible'}
                </Badge>
                {m.patientName}
                {m.visitToday ? ' · here today' : ''}
              </>
            }
            side={m.lastSeenArea}
          />
        ))}
      </Section>
      <Section title="Unpaid balances" icon={<IconCash size={18} />} count={balances.clients} color="orange" to={me.role === 'admin' ? '/billing?tab=reports' : '/billing'} testId="today-balances" empty="No client owes the clinic.">
        <Text size="xs" fw={600} data-testid="today-balances-owed">
          {money(balances.owedMinor, o.currency)} owed by {balances.clients} client{balances.clients === 1 ? '' : 's'}
        </Text>
        {balances.top.map((b) => (
          <Row key={b.clientId} to={`/checkout?client=${b.clientId}`} main={b.clientName || 'Client'} side={money(b.owedMinor, o.currency)} />
        ))}
      </Section>
      <Section title="Stuck lab orders" icon={stuckOrders.count ? <IconAlertTriangle size={18} color="var(--mantine-color-red-7)" /> : <IconClockPause size={18} />} count={stuckOrders.count} color="red" testId="today-stuck" empty="Every lab order is on its way.">
        {stuckOrders.items.slice(0, 5).map((s) => (
          <div key={s.orderId} data-testid="today-stuck-item">
            <Row to={`/patients/${s.patientId}?tab=labs`} main={`${s.patientName}: ${STUCK_WORDS[s.reason]}`} side={s.orderNumber} />
            <Text size="xs" c="dimmed" truncate title={s.detail ?? undefined}>
              {[s.detail, s.integrationName].filter(Boolean).join(' · ')}
            </Text>
          </div>
        ))}
        {stuckOrders.items.some((s) => s.reason === 'link_down') && (
          <Alert color="red" variant="light" p={6} mt={4}>
            <Text size="xs">
              A lab link is down; orders go out by themselves when it returns. {me.role === 'admin' ? <Anchor component={Link} to="/integrations" size="xs">Integrations</Anchor> : 'Tell your administrator if it lasts.'}
            </Text>
          </Alert>
        )}
      </Section>
    </SimpleGrid>
  )
}
