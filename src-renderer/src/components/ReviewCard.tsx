import { useState, type ReactNode } from 'react'
import { LINKED_STYLE, useLinkedItem } from './focus'
import { Alert, Badge, Box, Button, Group, Paper, Select, Stack, Table, Text, Title } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { useCall } from '../api/hooks'
import { useMe } from '../App'
import { date, SPECIES_LABEL } from '../format'
import { askReason } from '../prompt'

const CLINICAL = new Set(['veterinarian', 'technician', 'admin'])

/** A candidate patient, with the order or request of theirs it would attach to, if any. */
export interface CandidateView {
  patientId: string
  patientName: string
  ownerName: string
  species: string
  dateOfBirth: string | null
  score: number
  reasons: string[]
  linkId: string | null
  /** "order 4392000001", "request I4392000001" */
  linkLabel: string | null
}

export interface Identifiers {
  petName?: string
  ownerLastName?: string
  ownerFirstName?: string
  patientId?: string
  dateOfBirth?: string
  sex?: string
  species?: string
  breed?: string
}

/** A review screen's frame: title, what it is for, the empty state, the cards. */
/** total: how many wait in all, when the screen lists only the oldest of them. */
export function ReviewScreen({ title, intro, empty, error, loaded, total, children }: { title: string; intro: string; empty: string; error?: Error | null; loaded: boolean; total?: number; children: ReactNode[] }) {
  return (
    <Stack maw={1300}>
      <div>
        <Title order={2}>{title}</Title>
        <Text c="dimmed" size="sm">
          {intro}
        </Text>
      </div>
      {error && <Alert color="red">{error.message}</Alert>}
      {loaded && children.length === 0 && (
        <Paper withBorder p="xl">
          <Text c="dimmed" ta="center">
            {empty}
          </Text>
        </Paper>
      )}
      {children}
      {total !== undefined && total > children.length && (
        <Text c="dimmed" size="sm" ta="center" data-testid="review-more">
          Showing the oldest {children.length} of {total}. The others appear here as these are decided.
        </Text>
      )}
    </Stack>
  )
}

/**
 * One message in review (a lab result, an imaging study): what it says about the patient, why
 * it did not attach, and the ranked candidates. A person attaches or rejects, always with a reason;
 * nothing here chooses.
 */
export function ReviewCard(props: {
  testId: string
  title: string
  subtitle: string
  /** "result", "study": the words of the prompts */
  noun: string
  identifiersCaption?: string
  identifiers: Identifiers
  reasons: string[]
  candidates: CandidateView[]
  error: Error | null
  onAttach: (patientId: string, linkId: string | null, reason: string) => void
  onReject: (reason: string) => void
  /** what arrived, shown before the identifiers (a study's images) */
  preview?: ReactNode
  children?: ReactNode
  /** the item's id under a link's parameter (?report=…): a notification opens the queue at it */
  link?: { param: string; id: string }
}) {
  const me = useMe()
  const linked = useLinkedItem<HTMLDivElement>(props.link?.param ?? '', props.link?.id ?? '')
  const [query, setQuery] = useState('')
  const [debounced] = useDebouncedValue(query.trim(), 200)
  const search = useCall('patients.search', { query: debounced, limit: 10 }, { enabled: debounced.length > 1 })
  const canDecide = CLINICAL.has(me.role)
  const id = props.identifiers
  const attach = async (patientId: string, linkId: string | null, label: string) => {
    const reason = await askReason(`Attach this ${props.noun} to ${label}?`, { initial: 'Identity confirmed', confirmLabel: 'Attach' })
    if (reason) props.onAttach(patientId, linkId, reason)
  }
  return (
    <Paper ref={linked.ref} withBorder p="md" data-testid={props.testId} data-focused={linked.focused} style={linked.focused ? LINKED_STYLE : undefined}>
      <Group justify="space-between" align="flex-start">
        <div>
          <Text fw={600}>{props.title}</Text>
          <Text size="xs" c="dimmed">
            {props.subtitle}
          </Text>
        </div>
        {canDecide && (
          <Button
            size="xs"
            variant="subtle"
            color="red"
            onClick={async () => {
              const reason = await askReason(`Reject this ${props.noun}?`, { placeholder: 'A test message, another clinic’s patient…', confirmLabel: 'Reject', danger: true })
              if (reason) props.onReject(reason)
            }}
          >
            Reject
          </Button>
        )}
      </Group>
      {props.preview && <Box mt="xs">{props.preview}</Box>}
      {props.identifiersCaption && (
        <Text size="xs" c="dimmed" mt="xs">
          {props.identifiersCaption}
        </Text>
      )}
      <Group gap="lg" mt={props.identifiersCaption ? 0 : 'xs'} data-testid={`${props.testId.replace(/-item$/, '')}-identifiers`}>
        {(
          [
            ['Pet', id.petName],
            ['Owner', [id.ownerFirstName, id.ownerLastName].filter(Boolean).join(' ') || undefined],
            ['Patient ID', id.patientId],
            ['Born', id.dateOfBirth ? date(id.dateOfBirth) : undefined],
            ['Sex', id.sex],
            ['Species', id.species],
            ...(id.breed ? ([['Breed', id.breed.replace('^', ' / ')]] as const) : [])
          ] as const
        ).map(([label, value]) => (
          <Text size="sm" key={label}>
            <b>{label}</b> {value ?? '—'}
          </Text>
        ))}
      </Group>
      <Alert color="orange" mt="sm" title="Why it needs a person">
        {props.reasons.map((r) => (
          <Text key={r} size="sm">
            {r}
          </Text>
        ))}
      </Alert>
      {props.error && (
        <Alert color="red" mt="xs">
          {props.error.message}
        </Alert>
      )}
      <Title order={6} mt="md" mb={4}>
        Possible patients
      </Title>
      {props.candidates.length === 0 && (
        <Text size="sm" c="dimmed">
          No likely patient found. Search below.
        </Text>
      )}
      {props.candidates.length > 0 && (
        <Table verticalSpacing={6} data-testid={`${props.testId.replace(/-item$/, '')}-candidates`}>
          <Table.Tbody>
            {props.candidates.map((c) => (
              <Table.Tr key={`${c.patientId}-${c.linkId ?? ''}`}>
                <Table.Td w={70}>
                  <Badge variant="light" color={c.score >= 80 ? 'green' : c.score >= 40 ? 'yellow' : 'gray'} style={{ overflow: 'visible' }} title="Similarity score">
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
                    <Button size="compact-sm" variant="light" onClick={() => attach(c.patientId, c.linkId, `${c.patientName}${c.linkLabel ? ` (${c.linkLabel})` : ''}`)}>
                      Attach{c.linkLabel ? ` to ${c.linkLabel.split(' ').pop()}` : ''}
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
          onChange={(v) => v && attach(v, null, (search.data ?? []).find((p) => p.id === v)?.name ?? 'this patient')}
        />
      )}
      {props.children}
    </Paper>
  )
}
