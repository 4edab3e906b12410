import { useEffect, useRef, useState } from 'react'
import { Badge, Button, Group, Loader, Paper, SegmentedControl, Stack, Table, Text, TextInput, Title } from '@mantine/core'
import { useDebouncedValue, useHotkeys } from '@mantine/hooks'
import { IconSearch, IconUserPlus } from '@tabler/icons-react'
import { useNavigate, useSearchParams } from 'react-router-dom'
import { useCall } from '../api/hooks'
import { ClientForm } from '../components/ClientForm'
import { age, sexShort, SPECIES_LABEL } from '../format'

type Kind = 'auto' | 'name' | 'owner' | 'phone' | 'microchip'

/** Front-desk search: patient name, owner name, phone (any trailing digits) or microchip. */
export function PatientsScreen() {
  const [params, setParams] = useSearchParams()
  const [query, setQuery] = useState(params.get('q') ?? '')
  const [kind, setKind] = useState<Kind>((params.get('kind') as Kind) ?? 'auto')
  const [debounced] = useDebouncedValue(query.trim(), 150)
  const [newClient, setNewClient] = useState(false)
  const input = useRef<HTMLInputElement>(null)
  const navigate = useNavigate()
  useHotkeys([['/', () => input.current?.focus()]])
  useEffect(() => setParams(debounced ? { q: debounced, kind } : {}, { replace: true }), [debounced, kind, setParams])

  const results = useCall('patients.search', { query: debounced, kind, limit: 50 }, { enabled: debounced.length > 0 })
  const rows = results.data ?? []

  return (
    <Stack maw={1200}>
      <Group justify="space-between">
        <Title order={2}>Patients</Title>
        <Button leftSection={<IconUserPlus size={16} />} onClick={() => setNewClient(true)}>
          New client
        </Button>
      </Group>
      <Paper withBorder p="md">
        <Stack gap="sm">
          <TextInput
            ref={input}
            size="md"
            autoFocus
            leftSection={<IconSearch size={18} />}
            rightSection={results.isFetching ? <Loader size="xs" /> : null}
            placeholder="Patient or owner name, phone number, or microchip"
            aria-label="Search patients"
            value={query}
            onChange={(e) => setQuery(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && rows[0]) navigate(`/patients/${rows[0].id}`)
            }}
            data-testid="patient-search"
          />
          <SegmentedControl
            size="xs"
            w="fit-content"
            value={kind}
            onChange={(v) => setKind(v as Kind)}
            data={[
              { value: 'auto', label: 'Anything' },
              { value: 'name', label: 'Patient name' },
              { value: 'owner', label: 'Owner name' },
              { value: 'phone', label: 'Phone' },
              { value: 'microchip', label: 'Microchip' }
            ]}
          />
        </Stack>
      </Paper>
      {results.error && <Text c="red">{results.error.message}</Text>}
      {debounced && results.isSuccess && rows.length === 0 && (
        <Text c="dimmed">
          No patient matches “{debounced}”. Check the spelling, try the owner’s phone, or register a <Button variant="subtle" size="compact-sm" onClick={() => setNewClient(true)}>new client</Button>.
        </Text>
      )}
      {rows.length > 0 && (
        <Paper withBorder>
          <Table highlightOnHover verticalSpacing="xs" data-testid="patient-results">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Patient</Table.Th>
                <Table.Th>Species · breed</Table.Th>
                <Table.Th>Sex</Table.Th>
                <Table.Th>Age</Table.Th>
                <Table.Th>Owner</Table.Th>
                <Table.Th>Phone</Table.Th>
                <Table.Th>Microchip</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((p) => (
                <Table.Tr
                  key={p.id}
                  className="clickable-row"
                  tabIndex={0}
                  onClick={() => navigate(`/patients/${p.id}`)}
                  onKeyDown={(e) => e.key === 'Enter' && navigate(`/patients/${p.id}`)}
                >
                  <Table.Td>
                    <Group gap={6}>
                      <Text fw={600}>{p.name}</Text>
                      {p.deceasedAt && (
                        <Badge color="gray" size="xs">
                          deceased
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
                  <Table.Td>{p.ownerName}</Table.Td>
                  <Table.Td>{p.ownerPhone}</Table.Td>
                  <Table.Td>
                    <Text ff="monospace" size="sm">
                      {p.microchip}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
      {!debounced && <Text c="dimmed">Type to search. Press Enter to open the first match; Tab and Enter to choose another.</Text>}
      {newClient && <ClientForm opened onClose={() => setNewClient(false)} onSaved={(c) => navigate(`/clients/${c.id}?addPatient=1`)} />}
    </Stack>
  )
}
