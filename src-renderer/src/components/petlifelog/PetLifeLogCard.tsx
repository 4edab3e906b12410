/**
 * PetLifeLog on the patient's overview: is the chip registered by this clinic, waiting to be sent,
 * refused (and why), or opted out; Register (the owner's sharing choice, off unless they agree),
 * the clinic's opt-out for this patient, and a lookup of the chip as any member would see it.
 */
import { useState } from 'react'
import { Alert, Badge, Button, Checkbox, Group, Paper, Stack, Switch, Text, Title } from '@mantine/core'
import type { ChipLookup, PetLifeLogStatus } from '../../../../src-preload/contract'
import { useApi, useAction, useCall } from '../../api/hooks'
import type { ApiClientError } from '../../api/client'
import { dateTime } from '../../format'

const STATE: Record<PetLifeLogStatus['state'], { label: string; color: string }> = {
  registered: { label: 'Registered', color: 'green' },
  pending: { label: 'Waiting to send', color: 'yellow' },
  failed: { label: 'Not sent', color: 'red' },
  'opted-out': { label: 'Opted out', color: 'gray' },
  'not-registered': { label: 'Not registered', color: 'gray' },
  'no-chip': { label: 'No microchip', color: 'gray' }
}

/** An error in plain words; offline said as such. */
function problem(e: ApiClientError): string {
  return e.code === 'offline' ? `Offline: ${e.message}` : e.message
}

export function PetLifeLogCard({ patientId }: { patientId: string }) {
  const status = useCall('petlifelog.status', { patientId })
  const register = useAction('petlifelog.register')
  const optOut = useAction('petlifelog.setOptOut')
  const api = useApi()
  const [asking, setAsking] = useState(false)
  const [share, setShare] = useState(false)
  const [lookup, setLookup] = useState<{ busy: boolean; answer?: ChipLookup; error?: string }>({ busy: false })

  const s = status.data
  const failed = s?.outbox.some((i) => i.state === 'failed') ?? false
  const look = async () => {
    if (!s?.chipRaw) return
    setLookup({ busy: true })
    try {
      setLookup({ busy: false, answer: await api.call('petlifelog.lookup', { chip: s.chipRaw }) })
    } catch (e) {
      setLookup({ busy: false, error: problem(e as ApiClientError) })
    }
  }

  return (
    <Paper withBorder p="md" data-testid="petlifelog-card">
      <Group justify="space-between" mb="xs">
        <Title order={4}>PetLifeLog</Title>
        {s && (
          <Badge color={STATE[s.state].color} variant="light" data-testid="petlifelog-state">
            {STATE[s.state].label}
          </Badge>
        )}
      </Group>
      {status.error && <Alert color="red">{problem(status.error)}</Alert>}
      {s && (
        <Stack gap="xs">
          {s.state === 'no-chip' && <Text size="sm" c="dimmed">No microchip recorded: scan or type it on the patient (Edit) to register it.</Text>}
          {s.optOut && (
            <Text size="sm">
              This patient is opted out: its chip and owner are never shared with PetLifeLog from this clinic.
              {s.registration && ' The registration made earlier stays with PetLifeLog but is no longer kept up to date from here.'}
            </Text>
          )}
          {s.registration && (
            <Text size="sm">
              Chip {s.registration.chip} registered by this clinic to {s.registration.ownerName} ({dateTime(s.registration.updatedAt)}); contact{' '}
              {s.registration.shareContact ? 'shared with finders' : 'kept private: finders are put in touch through PetLifeLog'}.
            </Text>
          )}
          {s.state === 'not-registered' && <Text size="sm" c="dimmed">Chip {s.chipRaw} is not registered with PetLifeLog by this clinic.</Text>}
          {s.outbox.map((i) => (
            <Alert key={i.id} color={i.state === 'failed' ? 'red' : 'yellow'} p="xs" data-testid="petlifelog-outbox">
              <Text size="sm">
                {i.state === 'failed' ? 'Not sent: ' : 'Waiting to send: '}
                {i.summary}
              </Text>
              {i.lastError && (
                <Text size="xs" c="dimmed">
                  {i.lastError}
                </Text>
              )}
              {i.state === 'pending' && i.nextAttemptAt && i.attempts > 0 && (
                <Text size="xs" c="dimmed">
                  Next attempt {dateTime(i.nextAttemptAt)}; it goes by itself when PetLifeLog can be reached.
                </Text>
              )}
            </Alert>
          ))}
          {s.approval.problem && !s.optOut && s.chip && !failed && (
            <Text size="xs" c="orange">
              Registrations cannot go: {s.approval.problem}.
            </Text>
          )}
          {/* A refusal kept on a failed item is shown there once. */}
          {register.error && !s.outbox.some((i) => i.lastError === register.error.message) && <Alert color="red">{problem(register.error)}</Alert>}
          {optOut.error && <Alert color="red">{problem(optOut.error)}</Alert>}
          {asking && (
            <Stack gap={6}>
              <Checkbox
                label="The owner allows PetLifeLog to show their contact to whoever finds the pet"
                description="Off: a finder is told the owner has been notified, and PetLifeLog passes the message on."
                checked={share}
                onChange={(e) => setShare(e.currentTarget.checked)}
              />
              <Group gap="xs">
                <Button size="xs" loading={register.isPending} onClick={() => register.mutate({ patientId, shareContact: share }, { onSettled: () => setAsking(false) })}>
                  Register with PetLifeLog
                </Button>
                <Button size="xs" variant="subtle" onClick={() => setAsking(false)}>
                  Cancel
                </Button>
              </Group>
            </Stack>
          )}
          <Group justify="space-between">
            <Group gap="xs">
              {s.chip && !s.optOut && !asking && (
                <Button size="xs" variant={s.state === 'registered' ? 'default' : 'filled'} onClick={() => (setShare(s.registration?.sameOwner ? s.registration.shareContact : false), setAsking(true))}>
                  {s.state === 'registered' || s.state === 'failed' ? 'Register again' : 'Register'}
                </Button>
              )}
              {s.chip && !s.optOut && (
                <Button size="xs" variant="default" loading={lookup.busy} onClick={() => void look()}>
                  Look up
                </Button>
              )}
            </Group>
            <Switch
              size="xs"
              label="Opt out"
              checked={s.optOut}
              disabled={optOut.isPending}
              onChange={(e) => optOut.mutate({ patientId, optOut: e.currentTarget.checked })}
            />
          </Group>
          {lookup.error && <Alert color="red" data-testid="petlifelog-lookup">{lookup.error}</Alert>}
          {lookup.answer && <LookupAnswer answer={lookup.answer} />}
        </Stack>
      )}
    </Paper>
  )
}

function LookupAnswer({ answer }: { answer: ChipLookup }) {
  return (
    <Alert color={answer.missingReports.length ? 'red' : 'blue'} p="xs" data-testid="petlifelog-lookup">
      {answer.outcome === 'not-registered' && <Text size="sm">Chip {answer.chip} is not registered with PetLifeLog.</Text>}
      {answer.outcome === 'owner-contact' && (
        <Text size="sm">
          Registered{answer.petName ? ` (${answer.petName})` : ''} to {answer.owner.name}: {[answer.owner.phone, answer.owner.email].filter(Boolean).join(', ')}.
        </Text>
      )}
      {answer.outcome === 'owner-notified' && (
        <Text size="sm">
          Registered{answer.petName ? ` (${answer.petName})` : ''}; the owner keeps their contact private: {answer.message}.
        </Text>
      )}
      {answer.missingReports.map((r) => (
        <Text key={r.id} size="sm" fw={600}>
          Reported missing: {r.name ?? 'unnamed'} ({r.species}), last seen {r.lastSeenArea} on {dateTime(r.lastSeenAt)}, reported by {r.filedBy.name}.
        </Text>
      ))}
    </Alert>
  )
}
