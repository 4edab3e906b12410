import { Badge, Group, Table, Text } from '@mantine/core'
import { useNavigate } from 'react-router-dom'
import type { Patient, PatientSummary } from '../../../src-preload/contract'
import { age, sexShort, SPECIES_LABEL } from '../format'

type Row = Pick<Patient, 'id' | 'name' | 'species' | 'breed' | 'sex' | 'neuterStatus' | 'dateOfBirth' | 'microchip' | 'deceasedAt'> & Partial<Pick<PatientSummary, 'ownerName' | 'ownerPhone' | 'matchedOn' | 'match'>>

/** A search row that is not what was typed says why it is listed: a near spelling, or a piece of its chip. */
function forgivenLabel(p: Row): string | null {
  if (p.match === 'fragment') return 'part of chip number'
  if (p.match === 'similar') return p.matchedOn === 'owner' ? 'owner: similar spelling' : 'similar spelling'
  return null
}

/** Patients as a list: one row each, opened with a click or Enter. */
export function PatientTable({ rows, showOwner, empty, testId }: { rows: Row[]; showOwner: boolean; empty?: string; testId?: string }) {
  const navigate = useNavigate()
  const open = (id: string) => navigate(`/patients/${id}`)
  const columns = ['Patient', 'Species · breed', 'Sex', 'Age', ...(showOwner ? ['Owner', 'Phone'] : []), 'Microchip']
  return (
    <Table highlightOnHover verticalSpacing="xs" data-testid={testId}>
      <Table.Thead>
        <Table.Tr>
          {columns.map((c) => (
            <Table.Th key={c}>{c}</Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.length === 0 && empty && (
          <Table.Tr>
            <Table.Td colSpan={columns.length}>
              <Text c="dimmed">{empty}</Text>
            </Table.Td>
          </Table.Tr>
        )}
        {rows.map((p) => (
          <Table.Tr key={p.id} className="clickable-row" tabIndex={0} onClick={() => open(p.id)} onKeyDown={(e) => e.key === 'Enter' && open(p.id)}>
            <Table.Td>
              <Group gap={6}>
                <Text fw={600}>{p.name}</Text>
                {p.deceasedAt && (
                  <Badge color="gray" size="xs">
                    deceased
                  </Badge>
                )}
                {forgivenLabel(p) && (
                  <Badge color="yellow" variant="light" size="xs" data-testid="match-forgiven">
                    {forgivenLabel(p)}
                  </Badge>
                )}
              </Group>
            </Table.Td>
            <Table.Td>
              {SPECIES_LABEL[p.species] ?? p.species}
              {p.breed ? ` · ${p.breed}` : ''}
            </Table.Td>
            <Table.Td>{sexShort(p)}</Table.Td>
            <Table.Td>{age(p.dateOfBirth)}</Table.Td>
            {showOwner && <Table.Td>{p.ownerName}</Table.Td>}
            {showOwner && <Table.Td>{p.ownerPhone}</Table.Td>}
            <Table.Td>
              <Text ff="monospace" size="sm">
                {p.microchip}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}
