import { Anchor, Badge, Code, Table, Text, Tooltip } from '@mantine/core'
import { Link } from 'react-router-dom'
import type { AuditEntry } from '../../../src-preload/contract'
import { dateTime } from '../format'

const DIRECTION_COLOR = { inbound: 'blue', outbound: 'grape', internal: 'gray' } as const
const OUTCOME_COLOR = { ok: 'green', refused: 'orange', error: 'red' } as const

export function AuditTable({ entries, showPatient = true }: { entries: AuditEntry[]; showPatient?: boolean }) {
  if (entries.length === 0) return <Text c="dimmed">No audit entries match.</Text>
  return (
    <Table verticalSpacing={6} data-testid="audit-table" striped>
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={60}>#</Table.Th>
          <Table.Th w={170}>When</Table.Th>
          <Table.Th>Who</Table.Th>
          <Table.Th>Action</Table.Th>
          <Table.Th w={120}>Direction</Table.Th>
          <Table.Th>What</Table.Th>
          {showPatient && <Table.Th>Patient</Table.Th>}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {entries.map((e) => (
          <Table.Tr key={e.id}>
            <Table.Td>
              <Tooltip label={`hash ${e.hash.slice(0, 16)}…`}>
                <Text size="xs" c="dimmed">
                  {e.seq}
                </Text>
              </Tooltip>
            </Table.Td>
            <Table.Td>
              <Text size="sm">{dateTime(e.occurredAt)}</Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm">{e.actorName ?? '—'}</Text>
            </Table.Td>
            <Table.Td>
              <Code>{e.action}</Code>
            </Table.Td>
            <Table.Td>
              <Badge size="sm" variant="light" color={DIRECTION_COLOR[e.direction]} style={{ overflow: 'visible' }}>
                {e.direction}
              </Badge>
              {e.outcome !== 'ok' && (
                <Badge size="sm" ml={4} color={OUTCOME_COLOR[e.outcome]}>
                  {e.outcome}
                </Badge>
              )}
            </Table.Td>
            <Table.Td>
              <Text size="sm">{e.summary}</Text>
            </Table.Td>
            {showPatient && (
              <Table.Td>
                {e.patientId && (
                  <Anchor component={Link} to={`/patients/${e.patientId}`} size="sm">
                    open
                  </Anchor>
                )}
              </Table.Td>
            )}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}
