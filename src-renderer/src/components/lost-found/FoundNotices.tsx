/**
 * Found-animal notices: an animal at the clinic that matched no missing-pet report is posted to
 * PetMayday with the clinic's contact, so an owner's clinic or shelter that recognises it can call;
 * the "Found animals" list shows the open ones near the clinic.
 */
import { useCallback, useEffect, useState } from 'react'
import { Alert, Badge, Button, Card, Group, Loader, Paper, Select, SimpleGrid, Stack, Text, TextInput, Textarea, Title } from '@mantine/core'
import { IconMapPin, IconPhone } from '@tabler/icons-react'
import type { PetMaydayFoundNotice } from '../../../../src-preload/contract'
import { useApi } from '../../api/hooks'
import { dateTime, SPECIES_LABEL } from '../../format'
import { describePet, plainError } from './shared'

const SPECIES_OPTIONS = Object.entries(SPECIES_LABEL).map(([value, label]) => ({ value, label }))
const SEX_OPTIONS = [
  { value: 'unknown', label: 'Unknown' },
  { value: 'female', label: 'Female' },
  { value: 'male', label: 'Male' }
]

const localNow = () => {
  const d = new Date()
  d.setSeconds(0, 0)
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16)
}

export function FoundNoticeCard({ notice: n, onClose }: { notice: PetMaydayFoundNotice; onClose?: () => void }) {
  return (
    <Card withBorder padding="sm" data-testid={`found-${n.id}`}>
      <Stack gap={4}>
        <Group gap="xs">
          <Text fw={700}>{describePet(n)}</Text>
          {n.ours && <Badge color="teal">posted by us</Badge>}
        </Group>
        {n.description && <Text size="sm">{n.description}</Text>}
        <Group gap={4} wrap="nowrap">
          <IconMapPin size={14} />
          <Text size="sm">
            Found <b>{n.foundArea}</b>, {dateTime(n.foundAt)}
          </Text>
        </Group>
        {n.microchipRaw && (
          <Text size="xs" c="dimmed">
            Microchip {n.microchipRaw}
          </Text>
        )}
        <Group gap={4} wrap="nowrap">
          <IconPhone size={14} />
          <Text size="sm">
            {n.postedBy.name} ({n.postedBy.kind}): {n.contact}
          </Text>
        </Group>
        {n.ours && onClose && (
          <Group>
            <Button size="xs" variant="default" onClick={onClose} data-testid="found-close">
              Close notice (the animal went home)
            </Button>
          </Group>
        )}
      </Stack>
    </Card>
  )
}

/** The form, with what the lookup already knows (the chip, the description typed). */
export function FoundNoticeForm({ chip, species: initialSpecies, colour: initialColour, area: initialArea }: { chip?: string | null; species?: string | null; colour?: string; area?: string }) {
  const api = useApi()
  const [species, setSpecies] = useState<string | null>(initialSpecies ?? null)
  const [breed, setBreed] = useState('')
  const [colour, setColour] = useState(initialColour ?? '')
  const [sex, setSex] = useState<string | null>('unknown')
  const [description, setDescription] = useState('')
  const [area, setArea] = useState(initialArea ?? '')
  const [when, setWhen] = useState(localNow())
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [posted, setPosted] = useState<PetMaydayFoundNotice | null>(null)
  const post = async () => {
    if (!species) return setError('Pick the species.')
    setBusy(true)
    setError(null)
    try {
      setPosted(
        await api.call('petmayday.postFound', {
          ...(chip ? { microchip: chip } : {}),
          species,
          breed,
          colour,
          sex: (sex ?? 'unknown') as 'male' | 'female' | 'unknown',
          description,
          foundArea: area,
          foundAt: new Date(when).toISOString()
        })
      )
    } catch (e) {
      setError(plainError(e))
    } finally {
      setBusy(false)
    }
  }
  if (posted)
    return (
      <Alert color="teal" title="Found-animal notice posted" data-testid="found-posted">
        PetMayday members near {posted.foundArea} see it under Found animals, with the clinic’s contact ({posted.contact}).
      </Alert>
    )
  return (
    <Paper withBorder p="sm" bg="gray.0" data-testid="found-form">
      <Stack gap="xs">
        <Text fw={600}>Post a found-animal notice</Text>
        <Text size="xs" c="dimmed">
          Nothing matches. A notice lets an owner’s clinic or shelter recognise the animal and call you; it carries the description{chip ? ` and chip ${chip}` : ''} and the clinic’s contact from Settings, never a client’s.
        </Text>
        <Group grow>
          <Select label="Species" data={SPECIES_OPTIONS} value={species} onChange={setSpecies} data-testid="found-species" />
          <Select label="Sex" data={SEX_OPTIONS} value={sex} onChange={setSex} />
        </Group>
        <Group grow>
          <TextInput label="Breed" value={breed} onChange={(e) => setBreed(e.currentTarget.value)} />
          <TextInput label="Colour" value={colour} onChange={(e) => setColour(e.currentTarget.value)} data-testid="found-colour" />
        </Group>
        <Textarea label="Description" placeholder="collar, markings, temperament" autosize minRows={1} value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
        <Group grow>
          <TextInput label="Found where" required value={area} onChange={(e) => setArea(e.currentTarget.value)} data-testid="found-area" />
          <TextInput label="Found when" type="datetime-local" required value={when} onChange={(e) => setWhen(e.currentTarget.value)} />
        </Group>
        {error && (
          <Alert color="red" data-testid="found-error">
            {error}
          </Alert>
        )}
        <Group>
          <Button onClick={() => void post()} loading={busy} disabled={!area.trim() || !species} data-testid="found-post">
            Post notice
          </Button>
        </Group>
      </Stack>
    </Paper>
  )
}

/** The "Found animals" tab: open notices near the clinic. */
export function FoundAnimals() {
  const api = useApi()
  const [species, setSpecies] = useState<string | null>(null)
  const [area, setArea] = useState<string | null>(null)
  const [state, setState] = useState<{ loading: boolean; data: { area: string | null; notices: PetMaydayFoundNotice[] } | null; error: string | null }>({ loading: true, data: null, error: null })
  const load = useCallback(
    (s: string | null = species) => {
      setState((x) => ({ ...x, loading: true, error: null }))
      api.call('petmayday.foundNotices', { ...(s ? { species: s } : {}), ...(area !== null ? { area: area.trim() } : {}) }).then(
        (data) => setState({ loading: false, data, error: null }),
        (e) => setState({ loading: false, data: null, error: plainError(e) })
      )
    },
    [api, species, area]
  )
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => load(), [])
  const close = async (id: string) => {
    try {
      await api.call('petmayday.closeFound', { noticeId: id })
      load()
    } catch (e) {
      setState((x) => ({ ...x, error: plainError(e) }))
    }
  }
  return (
    <Stack>
      <Paper withBorder p="sm">
        <Group align="flex-end">
          <Select
            label="Species"
            placeholder="All species"
            data={SPECIES_OPTIONS}
            value={species}
            clearable
            w={180}
            onChange={(v) => {
              setSpecies(v)
              load(v)
            }}
          />
          <TextInput
            label="Area (town or postcode)"
            placeholder={state.data?.area ? `${state.data.area} (the clinic’s town)` : 'everywhere'}
            value={area ?? ''}
            w={260}
            onChange={(e) => setArea(e.currentTarget.value)}
            onKeyDown={(e) => e.key === 'Enter' && load()}
          />
          <Button onClick={() => load()} loading={state.loading}>
            Search
          </Button>
        </Group>
      </Paper>
      {state.loading && !state.data && <Loader />}
      {state.error && (
        <Alert color="red" data-testid="found-list-error">
          {state.error}
        </Alert>
      )}
      {state.data && (
        <>
          <Title order={5} c="dimmed" fw={500}>
            {state.data.notices.length === 0 ? 'No open found-animal notices' : `${state.data.notices.length} open found-animal notice${state.data.notices.length === 1 ? '' : 's'}`}
            {state.data.area ? ` in or near ${state.data.area}` : ' everywhere'}
          </Title>
          <SimpleGrid cols={{ base: 1, md: 2 }} data-testid="found-list">
            {state.data.notices.map((n) => (
              <FoundNoticeCard key={n.id} notice={n} onClose={() => void close(n.id)} />
            ))}
          </SimpleGrid>
        </>
      )}
    </Stack>
  )
}
