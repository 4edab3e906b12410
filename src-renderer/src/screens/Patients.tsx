import { useEffect, useRef, useState } from 'react'
import { Button, Group, Loader, Paper, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { IconSearch, IconUserPlus } from '@tabler/icons-react'
import { useLocation, useNavigate, useSearchParams } from 'react-router-dom'
import { useCall } from '../api/hooks'
import { ClientForm } from '../components/ClientForm'
import { PatientTable } from '../components/PatientTable'
import { FOCUS_SEARCH } from '../components/KeyboardShortcuts'

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
  // "/" anywhere (components/KeyboardShortcuts) comes here asking for the search box, this screen open or not.
  const focusAsked = (useLocation().state as Record<string, unknown> | null)?.[FOCUS_SEARCH]
  useEffect(() => {
    if (focusAsked) input.current?.focus()
  }, [focusAsked])
  // The search lives in the address so Back returns to it. Only a real change is written: writing
  // on mount (after paint) took a slow workstation back here when someone had already clicked away.
  useEffect(() => {
    const changed = (params.get('q') ?? '') !== debounced || (debounced !== '' && (params.get('kind') ?? 'auto') !== kind)
    if (changed) setParams(debounced ? { q: debounced, kind } : {}, { replace: true })
  }, [debounced, kind, params, setParams])

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
          <PatientTable rows={rows} showOwner testId="patient-results" />
        </Paper>
      )}
      {!debounced && <Text c="dimmed">Type to search. Press Enter to open the first match; Tab and Enter to choose another.</Text>}
      {newClient && <ClientForm opened onClose={() => setNewClient(false)} onSaved={(c) => navigate(`/clients/${c.id}?addPatient=1`)} />}
    </Stack>
  )
}
