import { Button, Group, Paper, Stack, Table, Text } from '@mantine/core'
import { useApi, useCall } from '../api/hooks'
import { dateTime } from '../format'

/** Files on the record: lab PDF reports now, imports later. Opened in a new tab from memory, never from a URL. */
export function PatientDocuments({ patientId }: { patientId: string }) {
  const api = useApi()
  const docs = useCall('documents.list', { patientId })
  const open = async (id: string) => {
    const d = await api.call('documents.get', { id })
    const bytes = Uint8Array.from(atob(d.base64), (c) => c.charCodeAt(0))
    window.open(URL.createObjectURL(new Blob([bytes], { type: d.mime })), '_blank')
  }
  return (
    <Stack>
      {(docs.data ?? []).length === 0 && <Text c="dimmed">No documents yet. PDF reports that labs send with results appear here.</Text>}
      {(docs.data ?? []).length > 0 && (
        <Paper withBorder>
          <Table verticalSpacing="xs" data-testid="documents">
            <Table.Tbody>
              {docs.data!.map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td>
                    <Text fw={500}>{d.title}</Text>
                    <Text size="xs" c="dimmed">
                      {d.source} · {dateTime(d.createdAt)} · {Math.max(1, Math.round(d.bytes / 1024))} KB
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group justify="flex-end">
                      <Button size="compact-sm" variant="light" onClick={() => void open(d.id)}>
                        Open
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
    </Stack>
  )
}
