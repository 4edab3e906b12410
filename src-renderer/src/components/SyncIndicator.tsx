import { Badge, Popover, Stack, Text, UnstyledButton } from '@mantine/core'
import { IconCloud, IconCloudOff, IconCloudUpload, IconAlertTriangle } from '@tabler/icons-react'
import { useCall } from '../api/hooks'
import { dateTime } from '../format'

/** The header's word on sync with the clinic server; nothing on a workstation that has not joined one. */
export function SyncIndicator() {
  const status = useCall('sync.status', {}, { refetchInterval: 15_000 })
  const s = status.data
  if (!s) return null
  const refused = s.rejected.length
  const [color, label, Icon] =
    refused > 0
      ? (['red', `${refused} change${refused === 1 ? '' : 's'} refused`, IconAlertTriangle] as const)
      : s.state === 'offline'
        ? (['orange', s.pending ? `Offline · ${s.pending} waiting` : 'Offline', IconCloudOff] as const)
        : s.pending > 0
          ? (['blue', `Syncing · ${s.pending} waiting`, IconCloudUpload] as const)
          : s.state === 'online'
            ? (['teal', 'Synced', IconCloud] as const)
            : (['gray', 'Connecting…', IconCloud] as const)
  return (
    <Popover position="bottom-end" withArrow width={320}>
      <Popover.Target>
        <UnstyledButton aria-label="Sync status" data-testid="sync-indicator">
          <Badge variant="light" color={color} leftSection={<Icon size={14} />}>
            {label}
          </Badge>
        </UnstyledButton>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap={4}>
          <Text size="sm" fw={600}>
            Clinic server: {s.state}
          </Text>
          {s.tablesReady < s.tables && (
            <Text size="sm">
              First sync: {s.tablesReady} of {s.tables} kinds of records received
            </Text>
          )}
          <Text size="sm">{s.pending ? `${s.pending} change${s.pending === 1 ? '' : 's'} on this workstation not yet on the server` : 'Every change on this workstation is on the server'}</Text>
          <Text size="sm" c="dimmed">
            Last sync: {s.lastSyncAt ? dateTime(s.lastSyncAt) : 'not yet'}
          </Text>
          {s.detail && (
            <Text size="xs" c="dimmed">
              {s.detail}
            </Text>
          )}
          {s.rejected.map((r) => (
            <Text key={r.mutationId} size="xs" c="red">
              Refused: {r.reason}
            </Text>
          ))}
        </Stack>
      </Popover.Dropdown>
    </Popover>
  )
}
