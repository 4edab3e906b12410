import type { ReactNode } from 'react'
import { Alert, Badge, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core'
import type { DicomAssociation, DicomNode } from '../../../src-preload/contract'
import { useCall } from '../api/hooks'

const OUTCOME_COLOR: Record<DicomAssociation['outcome'], string> = { open: 'blue', released: 'green', aborted: 'orange', rejected: 'red' }

/** The node's counters in the order a person reads them, with words instead of keys. */
const COUNTERS: { key: string; label: string; alarm?: boolean }[] = [
  { key: 'associations', label: 'Associations' },
  { key: 'refused', label: 'Refused', alarm: true },
  { key: 'stored', label: 'Images stored' },
  { key: 'duplicates', label: 'Duplicates' },
  { key: 'failed', label: 'Failed', alarm: true },
  { key: 'queries', label: 'Worklist queries' }
]

/** Today's associations by the clock (to the second); older ones with their date. */
function when(iso: string): string {
  const d = new Date(iso)
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })
  return d.toDateString() === new Date().toDateString() ? time : `${d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${time}`
}

const mb = (bytes: number) => (bytes === 0 ? '—' : (bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0))

/**
 * The clinic's DICOM node as the modalities see it: its AE title and port, who may call it, what
 * it has received, and its recent associations. The Shell's live events refresh it: the node
 * emits an 'integration' change when an association opens and when it ends.
 */
export function DicomNodePanel() {
  const node = useCall('imaging.node', {})
  if (node.error?.code === 'not-found') {
    return (
      <Alert color="gray" variant="light" title="DICOM node" data-testid="dicom-node-off">
        The DICOM node is not running on this workstation; start VetOS with <Text span ff="monospace" size="sm">--dicom-port</Text> to receive images and serve the worklist here.
      </Alert>
    )
  }
  if (node.error) return <Alert color="red" title="DICOM node">{node.error.message}</Alert>
  if (!node.data) return null
  return <NodeStatus node={node.data} />
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={600} ff="monospace" size="lg">
        {children}
      </Text>
    </div>
  )
}

function NodeStatus({ node }: { node: DicomNode }) {
  return (
    <Paper withBorder p="md" data-testid="dicom-node">
      <Stack gap="lg">
        <div>
          <Group gap="sm" align="center">
            <Title order={3}>DICOM node</Title>
            <Badge color={node.listening ? 'teal' : 'gray'} variant="light" data-testid="dicom-listening">
              {node.listening ? 'listening' : 'stopped'}
            </Badge>
          </Group>
          <Text c="dimmed" size="sm">
            Receives images from the clinic's modalities and answers their worklist queries. Only the modalities listed below may connect.
          </Text>
          <Group gap="xl" mt="sm">
            <Fact label="AE title (what modalities call)">
              <span data-testid="dicom-aet">{node.aeTitle}</span>
            </Fact>
            <Fact label="Port">
              <span data-testid="dicom-port">{node.port ?? '—'}</span>
            </Fact>
          </Group>
        </div>

        {node.acceptsLoopback && (
          <Alert color="grape" variant="light" py="xs">
            Demo clinic: any calling AE title from this machine (127.0.0.1) is accepted, even one not configured below. A clinic's node accepts only its configured modalities.
          </Alert>
        )}

        <SimpleGrid cols={{ base: 3, lg: 6 }} spacing="sm" data-testid="dicom-counters">
          {COUNTERS.map((c) => {
            const n = node.counters[c.key] ?? 0
            return (
              <Paper key={c.key} withBorder p="xs" radius="sm" data-counter={c.key}>
                <Text size="xs" c="dimmed">
                  {c.label}
                </Text>
                <Text fw={600} size="xl" c={c.alarm && n > 0 ? 'red' : undefined}>
                  {n}
                </Text>
              </Paper>
            )
          })}
        </SimpleGrid>
        <Text size="xs" c="dimmed" mt={-12}>
          Counted since VetOS started.
        </Text>

        <div>
          <Title order={5} mb={4}>
            Modalities
          </Title>
          {node.peers.length === 0 ? (
            <Text c="dimmed" size="sm">
              No modality configured. Add an integration of kind Imaging (DICOM) with the modality's AE title and address.
            </Text>
          ) : (
            <Table verticalSpacing={6} data-testid="dicom-peers">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Modality</Table.Th>
                  <Table.Th>Calling AE title</Table.Th>
                  <Table.Th>Host</Table.Th>
                  <Table.Th>Worklist</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {node.peers.map((p) => (
                  <Table.Tr key={p.integrationId} data-testid="dicom-peer" data-aet={p.aeTitle}>
                    <Table.Td>{p.name}</Table.Td>
                    <Table.Td ff="monospace">{p.aeTitle === '*' ? '* (any)' : p.aeTitle}</Table.Td>
                    <Table.Td ff="monospace">{p.host ?? <Text span c="dimmed" size="sm">any address</Text>}</Table.Td>
                    <Table.Td>
                      {p.approved ? (
                        <Badge color="green" variant="light">
                          approved
                        </Badge>
                      ) : (
                        <Badge color="orange" variant="light">
                          not approved: worklist refused
                        </Badge>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </div>

        <div>
          <Title order={5} mb={4}>
            Recent associations
          </Title>
          {node.associations.length === 0 ? (
            <Text c="dimmed" size="sm">
              No modality has connected yet.
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={900}>
              <Table verticalSpacing={6} striped data-testid="dicom-associations">
                <Table.Thead style={{ whiteSpace: 'nowrap' }}>
                  <Table.Tr>
                    <Table.Th>Time</Table.Th>
                    <Table.Th>Calling AE</Table.Th>
                    <Table.Th>Peer</Table.Th>
                    <Table.Th>Modality</Table.Th>
                    <Table.Th>Outcome</Table.Th>
                    <Table.Th ta="right">Images</Table.Th>
                    <Table.Th ta="right">Queries</Table.Th>
                    <Table.Th ta="right">MB</Table.Th>
                    <Table.Th>Detail</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {node.associations.map((a) => (
                    <Table.Tr key={a.id} data-testid="dicom-association" data-outcome={a.outcome} data-calling-aet={a.callingAet} style={{ verticalAlign: 'top' }}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        <Text size="sm">{when(a.startedAt)}</Text>
                      </Table.Td>
                      <Table.Td ff="monospace">{a.callingAet || <Text span c="dimmed">(none)</Text>}</Table.Td>
                      <Table.Td ff="monospace" style={{ whiteSpace: 'nowrap' }}>
                        {a.peer}
                      </Table.Td>
                      <Table.Td>{a.integrationName ?? <Text span c="dimmed" size="sm">{a.outcome === 'rejected' ? '—' : 'not configured (demo)'}</Text>}</Table.Td>
                      <Table.Td>
                        <Badge color={OUTCOME_COLOR[a.outcome]} variant="light" data-testid="dicom-outcome">
                          {a.outcome}
                        </Badge>
                      </Table.Td>
                      <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                        {a.stored}
                        {a.failed > 0 && (
                          <Text span c="red" size="sm">
                            {' '}
                            / {a.failed} failed
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td ta="right">{a.queries}</Table.Td>
                      <Table.Td ta="right">{mb(a.bytes)}</Table.Td>
                      <Table.Td maw={380}>
                        <Text size="xs" c={a.outcome === 'rejected' || a.failed ? 'red.8' : 'dimmed'}>
                          {a.detail ?? (a.calledAet !== node.aeTitle ? `called ${a.calledAet}` : '')}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </div>
      </Stack>
    </Paper>
  )
}
