/**
 * Settings → Workstations, for administrators of a workstation that joined a clinic server: the
 * clinic's workstations with their last contact, and a Revoke button for each other one. The
 * server answers a revocation in the background (sync.revokeDevice is pending at first), so the
 * modal waits for its outcome in sync.devices, where a wrong PIN comes back in the server's words.
 */
import { useEffect, useState } from 'react'
import { Alert, Badge, Button, Group, Modal, Paper, PasswordInput, Stack, Table, Text, TextInput, Title } from '@mantine/core'
import type { SyncDevice } from '../../../src-preload/contract'
import { useAction, useCall } from '../api/hooks'
import { fieldErrors } from './forms'
import { date, dateTime } from '../format'
import { FormProblems } from './FormProblems'

/** "just now", "3 min ago", "5 h ago", then the date. */
function ago(iso: string): string {
  const minutes = Math.floor((Date.now() - Date.parse(iso)) / 60_000)
  if (minutes < 1) return 'just now'
  if (minutes < 60) return `${minutes} min ago`
  if (minutes < 24 * 60) return `${Math.floor(minutes / 60)} h ago`
  return date(iso)
}

export function WorkstationsPanel() {
  const status = useCall('sync.status', {})
  // Not joined: sync.status is null and there is nothing to list.
  if (!status.data) return null
  return <WorkstationsTable />
}

function WorkstationsTable() {
  // Asking re-reads a list older than 10 s on the workstation; the interval keeps "min ago" current,
  // and asks every second until the first list has come from the server.
  const list = useCall('sync.devices', {}, { refetchInterval: (q) => (q.state.data?.readAt ? 30_000 : 1000) })
  const [revoking, setRevoking] = useState<SyncDevice | null>(null)
  const data = list.data
  return (
    <Paper withBorder p="md" data-testid="workstations">
      <Title order={4} mb="xs">
        Workstations
      </Title>
      {list.error && <Alert color="orange">{list.error.message}</Alert>}
      {data && !data.readAt && <Text size="sm" c="dimmed">Reading the clinic’s workstations from the clinic server…</Text>}
      {data?.problem && data.readAt && (
        <Alert color="orange" mb="xs">
          As of {dateTime(data.readAt)}: {data.problem}
        </Alert>
      )}
      {data?.readAt && (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Enrolled</Table.Th>
              <Table.Th>Last contact</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.devices.map((d) => (
              <Table.Tr key={d.deviceId} opacity={d.revokedAt ? 0.5 : 1} data-testid="workstation-row">
                <Table.Td>
                  <Text size="sm">
                    {d.name} {d.current && <Badge size="xs">this workstation</Badge>} {d.revokedAt && <Badge size="xs" color="gray">revoked</Badge>}
                  </Text>
                  {d.revokedAt && (
                    <Text size="xs" c="dimmed">
                      Revoked {dateTime(d.revokedAt)} {d.revokedBy ? `by ${d.revokedBy}` : 'on the clinic server'}
                      {d.revokedFrom ? ` at ${d.revokedFrom}` : ''}
                      {d.revokeReason ? `: ${d.revokeReason}` : ''}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{date(d.enrolledAt)}</Table.Td>
                <Table.Td title={d.lastSeenAt ? dateTime(d.lastSeenAt) : undefined}>{d.lastSeenAt ? ago(d.lastSeenAt) : 'never'}</Table.Td>
                <Table.Td>
                  {!d.current && !d.revokedAt && (
                    <Button size="compact-xs" variant="subtle" color="red" onClick={() => setRevoking(d)}>
                      Revoke
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {revoking && <RevokeModal device={revoking} onClose={() => setRevoking(null)} />}
    </Paper>
  )
}

function RevokeModal({ device, onClose }: { device: SyncDevice; onClose: () => void }) {
  const [reason, setReason] = useState('')
  const [pin, setPin] = useState('')
  const [requestId, setRequestId] = useState<string | null>(null)
  const [refused, setRefused] = useState<string | null>(null)
  const ask = useAction('sync.revokeDevice', (r) => setRequestId(r.requestId))
  // The change event that follows the answer refreshes this; the interval covers a missed one.
  const list = useCall('sync.devices', {}, { refetchInterval: requestId ? 1000 : false })
  const outcome = requestId ? list.data?.revocations.find((r) => r.requestId === requestId) : undefined
  useEffect(() => {
    if (outcome?.state === 'revoked') onClose()
    if (outcome?.state === 'refused') {
      setRefused(outcome.message)
      setRequestId(null)
      setPin('')
    }
  }, [outcome, onClose])
  const errors = fieldErrors(ask.error)
  const waiting = ask.isPending || requestId !== null
  return (
    <Modal opened onClose={onClose} title={`Revoke ${device.name}?`}>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          setRefused(null)
          ask.mutate({ deviceId: device.deviceId, reason, pin })
        }}
      >
        <Stack>
          <Text size="sm">
            {device.name} is shut out of the clinic server at once: it no longer sends or receives the clinic’s records, and cannot join again. What it holds stays on it.
          </Text>
          <TextInput label="Reason" description="Kept on the clinic server and in the audit log with your name." value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={errors.reason} maxLength={300} required data-autofocus />
          <PasswordInput label="Your PIN" description="The clinic server checks it again." value={pin} onChange={(e) => setPin(e.currentTarget.value)} error={errors.pin} inputMode="numeric" required />
          {refused && <Alert color="red">{refused}</Alert>}
          <FormProblems error={ask.error} fields={['pin', 'reason']} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color="red" loading={waiting}>
              Revoke
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
