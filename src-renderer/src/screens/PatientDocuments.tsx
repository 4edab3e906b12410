import { Button, Group, Paper, Stack, Table, Text } from '@mantine/core'
import { useApi, useCall } from '../api/hooks'
import { useMe } from '../App'
import { ImportDocumentButton } from '../components/imaging/ImportDocument'
import { dateTime } from '../format'

/** Files on the record: lab PDF reports and imports. They open from the app's own media route, in a window of their own. */
export function PatientDocuments({ patientId }: { patientId: string }) {
  const api = useApi()
  const docs = useCall('documents.list', { patientId })
  const url = (id: string) => api.mediaUrl(`/media/documents/${id}`)
  const me = useMe()
  return (
    <Stack>
      {me.role !== 'front_desk' && (
        <Group justify="flex-end">
          <ImportDocumentButton patientId={patientId} />
        </Group>
      )}
      {(docs.data ?? []).length === 0 && <Text c="dimmed">No documents yet. PDF reports that labs send with results appear here, and photos or PDFs imported here.</Text>}
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
                      <Button size="compact-sm" variant="light" onClick={() => window.open(url(d.id), '_blank')}>
                        Open
                      </Button>
                      <Button size="compact-sm" variant="subtle" component="a" href={url(d.id)} download={d.title}>
                        Save a copy
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
