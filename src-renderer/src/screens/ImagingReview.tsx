import { useState } from 'react'
import { Alert, Badge, Button, Group, Paper, Select, Stack, Table, Text, Title } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import type { ImagingReviewItem } from '../../../src-preload/contract'
import { useAction, useCall } from '../api/hooks'
import { useMe } from '../App'
import { date, dateTime, SPECIES_LABEL } from '../format'
import { askReason } from '../prompt'

const CLINICAL = new Set(['veterinarian', 'technician', 'admin'])

/** Studies that did not attach by themselves (no accession we know, identifiers that disagree). A person decides. */
export function ImagingReviewScreen() {
  const queue = useCall('imaging.reviewQueue', {})
  const items = queue.data ?? []
  return (
    <Stack maw={1300}>
      <div>
        <Title order={2}>Imaging Review</Title>
        <Text c="dimmed" size="sm">
          These studies did not match a request and its patient exactly. Nothing is filed to a patient until someone here decides.
        </Text>
      </div>
      {queue.error && <Alert color="red">{queue.error.message}</Alert>}
      {queue.isSuccess && items.length === 0 && (
        <Paper withBorder p="xl">
          <Text c="dimmed" ta="center">
            Nothing to review. Every study has found its patient.
          </Text>
        </Paper>
      )}
      {items.map((item) => (
        <ReviewCard key={item.studyId} item={item} />
      ))}
    </Stack>
  )
}

function ReviewCard({ item }: { item: ImagingReviewItem }) {
  const me = useMe()
  const attach = useAction('imaging.attach')
  const reject = useAction('imaging.reject')
  const [query, setQuery] = useState('')
  const [debounced] = useDebouncedValue(query.trim(), 200)
  const search = useCall('patients.search', { query: debounced, limit: 10 }, { enabled: debounced.length > 1 })
  const canDecide = CLINICAL.has(me.role)
  const id = item.identifiers
  const doAttach = async (patientId: string, requestId: string | null, label: string) => {
    const reason = await askReason(`File this study to ${label}?`, { initial: 'Identity confirmed', confirmLabel: 'File study' })
    if (reason) attach.mutate({ studyId: item.studyId, patientId, requestId, reason })
  }
  return (
    <Paper withBorder p="md" data-testid="imaging-review-item">
      <Group justify="space-between" align="flex-start">
        <div>
          <Text fw={600}>
            {item.description ?? 'Study'} from {item.sourceAet ?? 'an unknown station'}
          </Text>
          <Text size="xs" c="dimmed">
            Received {dateTime(item.receivedAt)} · {item.instanceCount} image{item.instanceCount === 1 ? '' : 's'}
            {item.accessionNumber ? ` · accession ${item.accessionNumber}` : ' · no accession number'}
          </Text>
        </div>
        {canDecide && (
          <Button
            size="xs"
            variant="subtle"
            color="red"
            onClick={async () => {
              const reason = await askReason('Reject this study?', { placeholder: 'A test image, another clinic’s study…', confirmLabel: 'Reject', danger: true })
              if (reason) reject.mutate({ studyId: item.studyId, reason })
            }}
          >
            Reject
          </Button>
        )}
      </Group>
      <Text size="xs" c="dimmed" mt="xs">
        What the DICOM file says
      </Text>
      <Group gap="lg" data-testid="imaging-review-identifiers">
        <Text size="sm">
          <b>Pet</b> {id.petName ?? '—'}
        </Text>
        <Text size="sm">
          <b>Owner</b> {id.ownerLastName ?? '—'}
        </Text>
        <Text size="sm">
          <b>Patient ID</b> {id.patientId ?? '—'}
        </Text>
        <Text size="sm">
          <b>Born</b> {id.dateOfBirth ? date(id.dateOfBirth) : '—'}
        </Text>
        <Text size="sm">
          <b>Sex</b> {id.sex ?? '—'}
        </Text>
        <Text size="sm">
          <b>Species</b> {id.species ?? '—'}
        </Text>
      </Group>
      <Alert color="orange" mt="sm" title="Why it needs a person">
        {item.reasons.map((r) => (
          <Text key={r} size="sm">
            {r}
          </Text>
        ))}
      </Alert>
      {(attach.error || reject.error) && (
        <Alert color="red" mt="xs">
          {(attach.error ?? reject.error)!.message}
        </Alert>
      )}
      <Title order={6} mt="md" mb={4}>
        Possible patients
      </Title>
      {item.candidates.length === 0 && (
        <Text size="sm" c="dimmed">
          No likely patient found. Search below.
        </Text>
      )}
      {item.candidates.length > 0 && (
        <Table verticalSpacing={6} data-testid="imaging-review-candidates">
          <Table.Tbody>
            {item.candidates.map((c) => (
              <Table.Tr key={`${c.patientId}-${c.requestId ?? ''}`}>
                <Table.Td w={70}>
                  <Badge variant="light" color={c.score >= 80 ? 'green' : c.score >= 40 ? 'yellow' : 'gray'} title="Similarity score">
                    {c.score}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" fw={600}>
                    {c.patientName}{' '}
                    <Text span size="xs" c="dimmed" fw={400}>
                      ({SPECIES_LABEL[c.species] ?? c.species}, {c.ownerName}
                      {c.dateOfBirth ? `, born ${date(c.dateOfBirth)}` : ''})
                    </Text>
                  </Text>
                  <Text size="xs" c="dimmed">
                    {c.reasons.join(' · ')}
                  </Text>
                </Table.Td>
                <Table.Td w={240} ta="right">
                  {canDecide && (
                    <Button size="compact-sm" variant="light" onClick={() => doAttach(c.patientId, c.requestId, `${c.patientName}${c.accessionNumber ? ` (request ${c.accessionNumber})` : ''}`)}>
                      Attach{c.accessionNumber ? ` to ${c.accessionNumber}` : ''}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {canDecide && (
        <Select
          mt="xs"
          w={420}
          placeholder="Another patient: search by name, owner, phone or microchip"
          searchable
          searchValue={query}
          onSearchChange={setQuery}
          filter={({ options }) => options}
          data={(search.data ?? []).map((p) => ({ value: p.id, label: `${p.name} (${p.ownerName})` }))}
          onChange={(v) => v && doAttach(v, null, (search.data ?? []).find((p) => p.id === v)?.name ?? 'this patient')}
        />
      )}
    </Paper>
  )
}
