/**
 * Settings → Microchip scanner: this workstation's serial scanner (an administrator sets the
 * device, the speed and the framing; it opens at once) and what it read last. A keyboard-wedge
 * scanner needs nothing here: it works wherever the app is open.
 */
import { useState } from 'react'
import { Badge, Button, Group, Paper, Select, Stack, Text, TextInput, Title } from '@mantine/core'
import { SCAN_BAUD_RATES, type ScannerStatus } from '../../../src-preload/contract'
import { useAction, useCall } from '../api/hooks'
import { fieldErrors } from './forms'
import { dateTime } from '../format'
import { FormProblems } from './FormProblems'

const STATE = { connected: { color: 'teal', label: 'connected' }, error: { color: 'orange', label: 'not connected' }, off: { color: 'gray', label: 'none' } } as const

export function ScannerPanel({ admin }: { admin: boolean }) {
  // The device comes and goes (unplugged, plugged back): the status is read every 2 s while shown.
  const status = useCall('scanners.status', {}, { refetchInterval: 2000 })
  const [draft, setDraft] = useState<{ path: string; baudRate: string; framing: string } | null>(null)
  const save = useAction('scanners.configure', () => setDraft(null))
  const s = status.data
  if (!s) return null
  const errors = fieldErrors(save.error)
  return (
    <Paper withBorder p="md" data-testid="scanner-panel">
      <Group justify="space-between" mb="xs">
        <Title order={4}>Microchip scanner</Title>
        <Group gap="xs">
          <Badge color={STATE[s.state].color} variant="light" data-testid="scanner-state">
            {STATE[s.state].label}
          </Badge>
          {admin && !draft && (
            <Button size="xs" variant="light" onClick={() => setDraft({ path: s.serial?.path ?? '', baudRate: String(s.serial?.baudRate ?? 9600), framing: s.serial?.framing ?? 'auto' })}>
              {s.serial ? 'Change' : 'Set up a serial scanner'}
            </Button>
          )}
        </Group>
      </Group>
      <Text size="sm" c="dimmed" mb="xs">
        A USB scanner that types (keyboard wedge) works anywhere in VetOS without setting up: scan into a Microchip field to fill it, or anywhere else to open the patient. A serial scanner is set up here, for this workstation only.
      </Text>
      {draft ? (
        <form
          onSubmit={(e) => {
            e.preventDefault()
            save.mutate({ serial: { path: draft.path, baudRate: Number(draft.baudRate), framing: draft.framing as 'auto' | 'stx-etx' } })
          }}
        >
          <Stack gap="xs">
            <TextInput
              label="Serial device"
              description={s.ports.length ? `Seen on this workstation: ${s.ports.map((p) => p.path).join(', ')}` : 'For example /dev/ttyUSB0, /dev/serial/by-id/… or COM3'}
              value={draft.path}
              onChange={(e) => setDraft({ ...draft, path: e.currentTarget.value })}
              error={errors['serial.path']}
              name="scannerPath"
            />
            <Group grow>
              <Select label="Speed (baud)" data={SCAN_BAUD_RATES.map(String)} value={draft.baudRate} onChange={(v) => setDraft({ ...draft, baudRate: v ?? '9600' })} allowDeselect={false} error={errors['serial.baudRate']} name="scannerBaud" />
              <Select
                label="Framing"
                data={[
                  { value: 'auto', label: 'Line ends (CR, LF) or STX…ETX' },
                  { value: 'stx-etx', label: 'STX…ETX frames only' }
                ]}
                value={draft.framing}
                onChange={(v) => setDraft({ ...draft, framing: v ?? 'auto' })}
                allowDeselect={false}
                name="scannerFraming"
              />
            </Group>
            <FormProblems error={save.error} fields={['serial.baudRate', 'serial.path']} />
            <Group justify="space-between">
              {s.serial ? (
                <Button variant="subtle" color="red" onClick={() => save.mutate({ serial: null })}>
                  Remove the serial scanner
                </Button>
              ) : (
                <span />
              )}
              <Group>
                <Button variant="default" onClick={() => setDraft(null)}>
                  Cancel
                </Button>
                <Button type="submit" loading={save.isPending}>
                  Save
                </Button>
              </Group>
            </Group>
          </Stack>
        </form>
      ) : (
        <Current s={s} />
      )}
    </Paper>
  )
}

function Current({ s }: { s: ScannerStatus }) {
  if (!s.serial) return <Text size="sm">No serial scanner on this workstation.</Text>
  return (
    <Stack gap={2}>
      <Text size="sm">
        {s.serial.path} at {s.serial.baudRate} baud{s.serial.framing === 'stx-etx' ? ', STX…ETX frames' : ''}
      </Text>
      <Text size="sm" c={s.state === 'connected' ? undefined : 'orange'} data-testid="scanner-detail">
        {s.detail}
      </Text>
      <Text size="xs" c="dimmed">
        {s.reads} read{s.reads === 1 ? '' : 's'}
        {s.unreadable ? `, ${s.unreadable} unreadable` : ''} since this workstation started
        {s.lastScan ? ` · last ${dateTime(s.lastScan.at)}: ${s.lastScan.chip ? s.lastScan.chip.normalized : `“${s.lastScan.raw}” (${s.lastScan.error})`}` : ''}
      </Text>
    </Stack>
  )
}
