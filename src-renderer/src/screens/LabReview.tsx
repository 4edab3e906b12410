import { useState } from 'react'
import { Alert, Badge, Button, Group, Paper, Select, Stack, Table, Text, Title } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import type { ReviewItem } from '../../../src-preload/contract'
import { useAction, useCall } from '../api/hooks'
import { useMe } from '../App'
import { LabValues } from '../components/LabValues'
import { date, dateTime, SPECIES_LABEL } from '../format'
import { askReason } from '../prompt'

const CLINICAL = new Set(['veterinarian', 'technician', 'admin'])

/** Results that did not attach by themselves. A person decides; the candidates only help. */
export function LabReviewScreen() {
  const queue = useCall('labs.reviewQueue', {})
  const items = queue.data ?? []
  return (
    <Stack maw={1300}>
      <div>
        <Title order={2}>Lab Review</Title>
        <Text c="dimmed" size="sm">
          These results did not match an order and its patient exactly. Nothing is attached until someone here decides.
        </Text>
      </div>
      {queue.isSuccess && items.length === 0 && (
        <Paper withBorder p="xl">
          <Text c="dimmed" ta="center">
            Nothing to review. Every result has found its patient.
          </Text>
        </Paper>
      )}
      {items.map((item) => (
        <ReviewCard key={item.reportId} item={item} />
      ))}
    </Stack>
  )
}

function ReviewCard({ item }: { item: ReviewItem }) {
  const me = useMe()
  const attach = useAction('labs.attach')
  const reject = useAction('labs.reject')
  const [query, setQuery] = useState('')
  const [debounced] = useDebouncedValue(query.trim(), 200)
  const search = useCall('patients.search', { query: debounced, limit: 10 }, { enabled: debounced.length > 1 })
  const canDecide = CLINICAL.has(me.role)
  const id = item.identifiers
  const doAttach = async (patientId: string, orderId: string | null, label: string) => {
    const reason = await askReason(`Attach this result to ${label}?`, { initial: 'Identity confirmed', confirmLabel: 'Attach' })
    if (reason) attach.mutate({ reportId: item.reportId, patientId, orderId, reason })
  }
  return (
    <Paper withBorder p="md" data-testid="review-item">
      <Group justify="space-between" align="flex-start">
        <div>
          <Text fw={600}>
            {item.title ?? 'Lab result'} from {item.integrationName ?? 'an unknown sender'}
          </Text>
          <Text size="xs" c="dimmed">
            Received {dateTime(item.receivedAt)}
            {item.orderNumber ? ` · order number ${item.orderNumber}` : ' · no order number'}
          </Text>
        </div>
        {canDecide && (
          <Button
            size="xs"
            variant="subtle"
            color="red"
            onClick={async () => {
              const reason = await askReason('Reject this result?', { placeholder: 'A test message, another clinic’s patient…', confirmLabel: 'Reject', danger: true })
              if (reason) reject.mutate({ reportId: item.reportId, reason })
            }}
          >
            Reject
          </Button>
        )}
      </Group>
      <Group gap="lg" mt="xs">
        <Text size="sm">
          <b>Pet</b> {id.petName ?? '—'}
        </Text>
        <Text size="sm">
          <b>Owner</b> {id.ownerLastName ?? '—'}
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
        {id.patientId && (
          <Text size="sm">
            <b>Patient id</b> {id.patientId}
          </Text>
        )}
      </Group>
      <Alert color="orange" mt="sm" title="Why it needs a person">
        {item.reasons.map((r) => (
          <Text key={r} size="sm">
            {r}
          </Text>
        ))}
      </Alert>
      {(attach.error || reject.error) && <Alert color="red" mt="xs">{(attach.error ?? reject.error)!.message}</Alert>}
      <Title order={6} mt="md" mb={4}>
        Possible patients
      </Title>
      {item.candidates.length === 0 && <Text size="sm" c="dimmed">No likely patient found. Search below.</Text>}
      {item.candidates.length > 0 && (
        <Table verticalSpacing={6} data-testid="review-candidates">
          <Table.Tbody>
            {item.candidates.map((c) => (
              <Table.Tr key={c.patientId}>
                <Table.Td w={70}>
                  <Badge variant="light" color={c.score >= 80 ? 'green' : c.score >= 40 ? 'yellow' : 'gray'} style={{ overflow: 'visible' }} title="Similarity score">
                    {c.score}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" fw={600}>
                    {c.patientName} <Text span size="xs" c="dimmed" fw={400}>({SPECIES_LABEL[c.species] ?? c.species}, {c.ownerName}{c.dateOfBirth ? `, born ${date(c.dateOfBirth)}` : ''})</Text>
                  </Text>
                  <Text size="xs" c="dimmed">
                    {c.reasons.join(' · ')}
                  </Text>
                </Table.Td>
                <Table.Td w={220} ta="right">
                  {canDecide && (
                    <Button size="compact-sm" variant="light" onClick={() => doAttach(c.patientId, c.orderId, `${c.patientName}${c.orderNumber ? ` (order ${c.orderNumber})` : ''}`)}>
                      Attach{c.orderNumber ? ` to ${c.orderNumber}` : ''}
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
      <Paper withBorder mt="md" p="xs" bg="gray.0">
        <LabValues observations={item.observations} />
      </Paper>
    </Paper>
  )
}
