import { useState } from 'react'
import { Alert, Badge, Button, Code, Drawer, Group, ScrollArea, SegmentedControl, Stack, Table, Text } from '@mantine/core'
import type { Integration, MessageLogEntry } from '../../../src-preload/contract'
import { useAction, useCall } from '../api/hooks'
import { useMe } from '../App'
import { dateTime } from '../format'

const STATUS_COLOR: Record<string, string> = { processed: 'green', acked: 'green', received: 'blue', pending: 'yellow', sent: 'blue', duplicate: 'gray', rejected: 'red', error: 'red', failed: 'red', cancelled: 'gray' }

/** Every message an integration exchanged, raw, with reprocess and resubmit. */
export function MessageLog({ integration, onClose }: { integration: Integration; onClose: () => void }) {
  const me = useMe()
  const [direction, setDirection] = useState<'inbound' | 'outbound'>('inbound')
  const [open, setOpen] = useState<string | null>(null)
  const log = useCall('integrations.messages', { integrationId: integration.id, direction, limit: 100 })
  const reprocess = useAction('integrations.reprocess')
  const resubmit = useAction('integrations.resubmit')
  const error = reprocess.error ?? resubmit.error
  return (
    <Drawer opened onClose={onClose} position="right" size="xl" title={`Messages: ${integration.name}`}>
      <Stack>
        <SegmentedControl value={direction} onChange={(v) => setDirection(v as 'inbound' | 'outbound')} data={[{ value: 'inbound', label: 'Received' }, { value: 'outbound', label: 'Sent' }]} w="fit-content" />
        {error && <Alert color="red">{error.message}</Alert>}
        {(log.data ?? []).length === 0 && <Text c="dimmed">No messages yet.</Text>}
        <Table verticalSpacing={6} data-testid="message-log">
          <Table.Tbody>
            {(log.data ?? []).map((m: MessageLogEntry) => (
              <Table.Tr key={m.id} style={{ cursor: 'pointer', verticalAlign: 'top' }} onClick={() => setOpen(open === m.id ? null : m.id)}>
                <Table.Td w={150}>
                  <Text size="xs">{dateTime(m.at)}</Text>
                  <Text size="xs" c="dimmed">#{m.seq}</Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={6}>
                    <Badge size="sm" color={STATUS_COLOR[m.status] ?? 'gray'} variant="light">{m.status}</Badge>
                    <Text size="sm" ff="monospace">{m.type ?? '—'}</Text>
                    <Text size="xs" c="dimmed">{m.controlId}</Text>
                    {m.attempts ? <Text size="xs" c="dimmed">{m.attempts} attempt{m.attempts > 1 ? 's' : ''}</Text> : null}
                  </Group>
                  {(m.error || m.summary) && <Text size="xs" c={m.error ? 'red' : 'dimmed'}>{m.error ?? m.summary}</Text>}
                  {open === m.id && (
                    <Stack gap={4} mt={6} onClick={(e) => e.stopPropagation()}>
                      <ScrollArea.Autosize mah={300}>
                        <Code block fz="xs">{m.raw}</Code>
                      </ScrollArea.Autosize>
                      {m.response && (
                        <>
                          <Text size="xs" fw={600}>Answer</Text>
                          <Code block fz="xs">{m.response}</Code>
                        </>
                      )}
                      {me.role === 'admin' && m.direction === 'inbound' && (m.status === 'error' || m.status === 'rejected' || m.status === 'received') && (
                        <Button size="compact-xs" w="fit-content" onClick={() => reprocess.mutate({ messageId: m.id })}>Reprocess</Button>
                      )}
                      {me.role === 'admin' && m.direction === 'outbound' && (m.status === 'failed' || m.status === 'rejected') && (
                        <Button size="compact-xs" w="fit-content" onClick={() => resubmit.mutate({ messageId: m.id })}>Resubmit</Button>
                      )}
                    </Stack>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    </Drawer>
  )
}
