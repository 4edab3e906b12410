/**
 * Lost/Found: PetMayday at the front desk. Missing pets near the clinic (from PetMayday, or the list
 * kept on this workstation when it cannot be reached), a found animal looked up by its chip or by
 * its description, a client's pet reported missing on the owner's behalf, and the clinic's own open
 * reports with what was relayed to the owners. `#/lost-found?chip=…` (a scan that matched no
 * patient) opens the found-animal lookup with that chip.
 *
 * Reads go to PetMayday when a person asks, not on every live refresh: each is an audited exchange.
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react'
import { Alert, Anchor, Badge, Button, Checkbox, FileInput, Group, Loader, Paper, Select, SimpleGrid, Stack, Tabs, Text, TextInput, Textarea, Title } from '@mantine/core'
import { IconScan, IconSearch } from '@tabler/icons-react'
import { Link, useSearchParams } from 'react-router-dom'
import type { ChipLookup, PatientSummary, PetMaydayChipMatches, PetMaydayList, PetMaydayOwnReport } from '../../../src-preload/contract'
import { useApi, useCall } from '../api/hooks'
import { dateTime, SPECIES_LABEL } from '../format'
import { describePet, plainError, ReportCard, SeenHereButton } from '../components/lost-found/shared'
import { FoundAnimals, FoundNoticeForm } from '../components/lost-found/FoundNotices'

const SPECIES_OPTIONS = Object.entries(SPECIES_LABEL).map(([value, label]) => ({ value, label }))
const TABS = ['near', 'found', 'missing', 'ours', 'animals'] as const
type Tab = (typeof TABS)[number]

export function LostFoundScreen() {
  const [params, setParams] = useSearchParams()
  const chip = params.get('chip')
  const tab: Tab = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as Tab) : chip ? 'found' : 'near'
  const go = (t: Tab) => setParams({ tab: t }, { replace: true })
  return (
    <Stack maw={1200}>
      <Group justify="space-between">
        <Title order={2}>Lost/Found</Title>
        <Text size="sm" c="dimmed">
          PetMayday missing-pet network
        </Text>
      </Group>
      <Tabs value={tab} onChange={(v) => v && go(v as Tab)} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="near" data-testid="lf-tab-near">
            Missing near us
          </Tabs.Tab>
          <Tabs.Tab value="found" data-testid="lf-tab-found">
            Report found animal
          </Tabs.Tab>
          <Tabs.Tab value="missing" data-testid="lf-tab-missing">
            Report missing
          </Tabs.Tab>
          <Tabs.Tab value="ours" data-testid="lf-tab-ours">
            Our open reports
          </Tabs.Tab>
          <Tabs.Tab value="animals" data-testid="lf-tab-animals">
            Found animals
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="near" pt="md">
          <MissingNearUs />
        </Tabs.Panel>
        <Tabs.Panel value="found" pt="md">
          <ReportFound initialChip={chip} />
        </Tabs.Panel>
        <Tabs.Panel value="missing" pt="md">
          <ReportMissing onFiled={() => go('ours')} />
        </Tabs.Panel>
        <Tabs.Panel value="ours" pt="md">
          <OurReports />
        </Tabs.Panel>
        <Tabs.Panel value="animals" pt="md">
          <FoundAnimals />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  )
}

interface Filters {
  species?: string
  area?: string | null
  since?: string
  colour?: string | null
}

/** One PetMayday list read, made when the filters are applied. */
function useReports(filters: Filters | null) {
  const api = useApi()
  const [state, setState] = useState<{ loading: boolean; data: PetMaydayList | null; error: string | null }>({ loading: false, data: null, error: null })
  const key = JSON.stringify(filters)
  useEffect(() => {
    if (!filters) return
    let live = true
    setState((s) => ({ ...s, loading: true, error: null }))
    api.call('petmayday.reports', filters).then(
      (data) => live && setState({ loading: false, data, error: null }),
      (e) => live && setState({ loading: false, data: null, error: plainError(e) })
    )
    return () => {
      live = false
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key])
  return state
}

function ListAnswer({ state, action }: { state: ReturnType<typeof useReports>; action?: (r: PetMaydayList['reports'][number]) => ReactNode }) {
  if (state.loading && !state.data) return <Loader />
  if (state.error)
    return (
      <Alert color="red" data-testid="lf-error">
        {state.error}
      </Alert>
    )
  if (!state.data) return null
  const { data } = state
  return (
    <Stack>
      {data.notice && (
        <Alert color="orange" data-testid="lf-offline">
          {data.notice}
        </Alert>
      )}
      <Text size="sm" c="dimmed" data-testid="lf-count">
        {data.reports.length === 0 ? 'No active missing-pet reports' : `${data.reports.length} active missing-pet report${data.reports.length === 1 ? '' : 's'}`}
        {data.area ? ` in or near ${data.area}` : ' everywhere'}
        {data.source === 'local' ? ' (kept on this workstation)' : ''}
      </Text>
      <SimpleGrid cols={{ base: 1, md: 2 }} data-testid="lf-reports">
        {data.reports.map((r) => (
          <ReportCard key={r.id} report={r}>
            {action?.(r)}
          </ReportCard>
        ))}
      </SimpleGrid>
    </Stack>
  )
}

function MissingNearUs() {
  const [species, setSpecies] = useState<string | null>(null)
  const [area, setArea] = useState<string | null>(null)
  const [since, setSince] = useState('')
  const [applied, setApplied] = useState<Filters>({})
  const state = useReports(applied)
  const apply = (over: Partial<{ species: string | null }> = {}) => {
    const s = 'species' in over ? over.species : species
    setApplied({ ...(s ? { species: s } : {}), ...(area !== null ? { area: area.trim() } : {}), ...(since ? { since } : {}) })
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
            data-testid="lf-filter-species"
            onChange={(v) => {
              setSpecies(v)
              apply({ species: v })
            }}
          />
          <TextInput
            label="Area (town or postcode)"
            placeholder={state.data?.area ? `${state.data.area} (the clinic’s town)` : 'everywhere'}
            description="Leave as is for the clinic’s town; clear it for everywhere"
            value={area ?? ''}
            w={260}
            onChange={(e) => setArea(e.currentTarget.value)}
            onKeyDown={(e) => e.key === 'Enter' && apply()}
            data-testid="lf-filter-area"
          />
          <TextInput label="Last seen since" type="date" value={since} w={170} onChange={(e) => setSince(e.currentTarget.value)} data-testid="lf-filter-since" />
          <Button leftSection={<IconSearch size={16} />} onClick={() => apply()} loading={state.loading} data-testid="lf-search">
            Search
          </Button>
        </Group>
      </Paper>
      <ListAnswer state={state} action={(r) => <SeenHereButton reportId={r.id} petName={r.name} found={false} />} />
    </Stack>
  )
}

function ReportFound({ initialChip }: { initialChip: string | null }) {
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
      <FoundByChip initialChip={initialChip} />
      <FoundByDescription />
    </SimpleGrid>
  )
}

function FoundByChip({ initialChip }: { initialChip: string | null }) {
  const api = useApi()
  const [chip, setChip] = useState(initialChip ?? '')
  const [busy, setBusy] = useState(false)
  const [local, setLocal] = useState<PetMaydayChipMatches | null>(null)
  const [registry, setRegistry] = useState<ChipLookup | null>(null)
  const [registryError, setRegistryError] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const lookUp = useCallback(
    async (value: string) => {
      if (!value.trim()) return
      setBusy(true)
      setError(null)
      setLocal(null)
      setRegistry(null)
      setRegistryError(null)
      try {
        // The kept list answers at once, offline too; PetLifeLog is asked beside it.
        setLocal(await api.call('petmayday.findByChip', { chip: value }))
      } catch (e) {
        setError(plainError(e))
        setBusy(false)
        return
      }
      try {
        setRegistry(await api.call('petlifelog.lookup', { chip: value }))
      } catch (e) {
        setRegistryError(plainError(e))
      } finally {
        setBusy(false)
      }
    },
    [api]
  )
  useEffect(() => {
    if (initialChip) void lookUp(initialChip)
  }, [initialChip, lookUp])
  const reports = local?.reports ?? []
  const seen = new Set(reports.map((r) => r.id))
  const more = (registry?.missingReports ?? []).filter((r) => !seen.has(r.id))
  return (
    <Paper withBorder p="md">
      <Stack>
        <Title order={4}>By microchip</Title>
        <Text size="sm" c="dimmed">
          Scan the chip (the scanner types into this field) or type it.
        </Text>
        <Group align="flex-end">
          <TextInput
            label="Microchip"
            placeholder="e.g. 985 112 003 456 789"
            value={chip}
            onChange={(e) => setChip(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault()
                void lookUp(chip)
              }
            }}
            leftSection={<IconScan size={16} />}
            w={280}
            data-testid="lf-chip"
          />
          <Button onClick={() => void lookUp(chip)} loading={busy} data-testid="lf-chip-lookup">
            Look up
          </Button>
        </Group>
        {error && (
          <Alert color="red" data-testid="lf-chip-error">
            {error}
          </Alert>
        )}
        {local && (
          <Stack gap="sm" data-testid="lf-chip-result">
            <Text size="sm">
              Chip <b>{local.chip}</b> ({local.chipType.toUpperCase()})
            </Text>
            {local.patients.length > 0 && (
              <Alert color="blue" title="A patient of this clinic">
                {local.patients.map((p) => (
                  <div key={p.id}>
                    <Anchor component={Link} to={`/patients/${p.id}`}>
                      {p.name}
                    </Anchor>{' '}
                    ({SPECIES_LABEL[p.species] ?? p.species}), owner {p.ownerName}
                  </div>
                ))}
              </Alert>
            )}
            {reports.length + more.length > 0 ? (
              <>
                <Alert color="red" variant="light" title="Reported missing on PetMayday" data-testid="lf-chip-missing">
                  This chip is on an active missing-pet report. Tell the owner the animal is here: PetMayday relays the clinic’s contact.
                </Alert>
                {[...reports, ...more.map((r) => ({ ...r }))].map((r) => (
                  <ReportCard key={r.id} report={r} badge={<Badge color="red">chip matches</Badge>}>
                    <SeenHereButton reportId={r.id} petName={r.name} found label="Found here" />
                  </ReportCard>
                ))}
              </>
            ) : (
              <Text size="sm" data-testid="lf-chip-no-report">
                No active missing-pet report has this chip.
              </Text>
            )}
            <RegistryAnswer registry={registry} error={registryError} busy={busy} />
            {reports.length + more.length === 0 && local.patients.length === 0 && !busy && <FoundNoticeForm key={local.chip} chip={local.chipRaw} species={registry && registry.outcome !== 'not-registered' ? registry.species : null} />}
          </Stack>
        )}
      </Stack>
    </Paper>
  )
}

function RegistryAnswer({ registry, error, busy }: { registry: ChipLookup | null; error: string | null; busy: boolean }) {
  if (busy && !registry) return <Loader size="sm" />
  if (error)
    return (
      <Alert color="orange" title="PetLifeLog" data-testid="lf-registry-error">
        {error}
      </Alert>
    )
  if (!registry) return null
  if (registry.outcome === 'not-registered')
    return (
      <Alert color="gray" title="PetLifeLog" data-testid="lf-registry">
        This chip is not registered with PetLifeLog.
      </Alert>
    )
  if (registry.outcome === 'owner-contact')
    return (
      <Alert color="teal" title="PetLifeLog: registered owner" data-testid="lf-registry">
        {registry.petName ? `${registry.petName}, ` : ''}registered to {registry.owner.name}
        {registry.owner.phone ? ` · ${registry.owner.phone}` : ''}
        {registry.owner.email ? ` · ${registry.owner.email}` : ''}. The owner allows finders to contact them.
      </Alert>
    )
  return (
    <Alert color="teal" title="PetLifeLog" data-testid="lf-registry">
      {registry.petName ? `${registry.petName} is registered. ` : 'This chip is registered. '}
      {registry.message}
    </Alert>
  )
}

function FoundByDescription() {
  const [species, setSpecies] = useState<string | null>(null)
  const [colour, setColour] = useState('')
  const [area, setArea] = useState('')
  const [applied, setApplied] = useState<Filters | null>(null)
  const [notice, setNotice] = useState(false)
  const state = useReports(applied)
  return (
    <Paper withBorder p="md">
      <Stack>
        <Title order={4}>By description</Title>
        <Text size="sm" c="dimmed">
          No chip? Describe the animal and pick the report it matches. Only a person can decide it is the same animal.
        </Text>
        <Group align="flex-end">
          <Select label="Species" placeholder="Species" data={SPECIES_OPTIONS} value={species} onChange={setSpecies} w={150} data-testid="lf-desc-species" />
          <TextInput label="Colour" placeholder="e.g. black" value={colour} onChange={(e) => setColour(e.currentTarget.value)} w={140} data-testid="lf-desc-colour" />
          <TextInput label="Area" placeholder="the clinic’s town" value={area} onChange={(e) => setArea(e.currentTarget.value)} w={160} data-testid="lf-desc-area" />
          <Button
            variant="light"
            onClick={() => setApplied({ ...(species ? { species } : {}), ...(colour.trim() ? { colour: colour.trim() } : {}), ...(area.trim() ? { area: area.trim() } : {}) })}
            loading={state.loading}
            data-testid="lf-desc-search"
          >
            Find reports
          </Button>
        </Group>
        <ListAnswer state={state} action={(r) => <SeenHereButton reportId={r.id} petName={r.name} found label="Found here" />} />
        {state.data && state.data.reports.length === 0 && <FoundNoticeForm key={JSON.stringify(applied)} species={species} colour={colour} area={area || state.data.area || ''} />}
        {state.data && state.data.reports.length > 0 && !notice && (
          <Group>
            <Button variant="subtle" size="xs" onClick={() => setNotice(true)} data-testid="lf-desc-none">
              None of these: post a found-animal notice
            </Button>
          </Group>
        )}
        {state.data && state.data.reports.length > 0 && notice && <FoundNoticeForm species={species} colour={colour} area={area || state.data.area || ''} />}
      </Stack>
    </Paper>
  )
}

/** The picked file as a data URL; PetMayday keeps at most 2 MB. */
const readPhoto = (file: File): Promise<string> =>
  new Promise((resolve, reject) => {
    if (file.size > 2 * 1024 * 1024) return reject(new Error(`The photo is ${(file.size / 1024 / 1024).toFixed(1)} MB; PetMayday keeps at most 2 MB. Pick a smaller one.`))
    if (!/^image\/(jpeg|png|webp)$/.test(file.type)) return reject(new Error('The photo must be a JPEG, PNG or WebP image.'))
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result))
    reader.onerror = () => reject(new Error('The photo could not be read'))
    reader.readAsDataURL(file)
  })

const localNow = () => {
  const d = new Date()
  d.setSeconds(0, 0)
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16)
}

function ReportMissing({ onFiled }: { onFiled: () => void }) {
  const api = useApi()
  const [query, setQuery] = useState('')
  const [results, setResults] = useState<PatientSummary[] | null>(null)
  const [picked, setPicked] = useState<PatientSummary | null>(null)
  const [area, setArea] = useState('')
  const [when, setWhen] = useState(localNow())
  const [contact, setContact] = useState('')
  const [share, setShare] = useState(false)
  const [photo, setPhoto] = useState<File | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({})
  const detail = useCall('patients.get', { id: picked?.id ?? '' }, { enabled: !!picked })
  const search = async () => {
    if (!query.trim()) return
    setResults(await api.call('patients.search', { query, limit: 10, includeDeceased: false }).catch(() => []))
  }
  const submit = async () => {
    if (!picked) return
    setBusy(true)
    setError(null)
    setFieldErrors({})
    try {
      const photoUrl = photo ? await readPhoto(photo) : undefined
      await api.call('petmayday.reportMissing', {
        patientId: picked.id,
        lastSeenArea: area,
        lastSeenAt: new Date(when).toISOString(),
        shareContact: share,
        ...(contact.trim() ? { ownerContact: contact.trim() } : {}),
        ...(photoUrl ? { photo: photoUrl } : {})
      })
      onFiled()
    } catch (e) {
      const issues = (e as { issues?: { path: string; message: string }[] }).issues ?? []
      setFieldErrors(Object.fromEntries(issues.map((i) => [i.path, i.message])))
      setError(plainError(e))
    } finally {
      setBusy(false)
    }
  }
  const owner = detail.data?.owner
  const onFile = owner?.contacts.map((c) => c.value).join(', ')
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
      <Paper withBorder p="md">
        <Stack>
          <Title order={4}>1. The client’s pet</Title>
          <Group align="flex-end">
            <TextInput
              label="Find the patient"
              placeholder="pet name, owner, phone or chip"
              value={query}
              onChange={(e) => setQuery(e.currentTarget.value)}
              onKeyDown={(e) => e.key === 'Enter' && void search()}
              w={300}
              data-testid="lf-patient-query"
            />
            <Button variant="light" onClick={() => void search()} data-testid="lf-patient-search">
              Search
            </Button>
          </Group>
          {results && results.length === 0 && <Text size="sm">No patient found.</Text>}
          <Stack gap={4}>
            {results?.map((p) => (
              <Button key={p.id} variant={picked?.id === p.id ? 'filled' : 'default'} justify="flex-start" onClick={() => setPicked(p)} data-testid={`lf-pick-${p.id}`}>
                {p.name} · {SPECIES_LABEL[p.species] ?? p.species}
                {p.breed ? ` · ${p.breed}` : ''} · {p.ownerName}
                {p.microchip ? ` · chip ${p.microchip}` : ' · no chip'}
              </Button>
            ))}
          </Stack>
        </Stack>
      </Paper>
      <Paper withBorder p="md">
        <Stack>
          <Title order={4}>2. Where and when last seen</Title>
          {!picked ? (
            <Text size="sm" c="dimmed">
              Pick the patient first.
            </Text>
          ) : (
            <>
              <Text size="sm" data-testid="lf-missing-pet">
                <b>{picked.name}</b>: {describePet({ species: picked.species, breed: picked.breed, colour: detail.data?.patient.color ?? null, sex: picked.sex })}
                {picked.microchip ? `, microchip ${picked.microchip}` : ', no microchip'}. Owner {picked.ownerName}.
              </Text>
              <TextInput label="Last seen where" placeholder="street, park, town" required value={area} onChange={(e) => setArea(e.currentTarget.value)} error={fieldErrors.lastSeenArea} data-testid="lf-missing-area" />
              <TextInput label="Last seen when" type="datetime-local" required value={when} onChange={(e) => setWhen(e.currentTarget.value)} error={fieldErrors.lastSeenAt} data-testid="lf-missing-when" />
              <Textarea
                label="How to reach the owner"
                description={onFile ? `Leave empty to use the contact on file: ${onFile}` : 'The client has no phone or e-mail on file: give one.'}
                autosize
                minRows={1}
                value={contact}
                onChange={(e) => setContact(e.currentTarget.value)}
                error={fieldErrors.ownerContact}
                data-testid="lf-missing-contact"
              />
              <Checkbox
                label="The owner allows a finder to be given their contact"
                description="Otherwise PetMayday keeps it and relays the finder’s message."
                checked={share}
                onChange={(e) => setShare(e.currentTarget.checked)}
                data-testid="lf-missing-share"
              />
              <FileInput label="Photo (optional)" placeholder="JPEG, PNG or WebP, up to 2 MB" accept="image/jpeg,image/png,image/webp" value={photo} onChange={setPhoto} clearable data-testid="lf-missing-photo" />
              <Text size="xs" c="dimmed">
                Sent to PetMayday: the pet’s description{picked.microchip ? ' and microchip' : ''}, where and when it was last seen, the owner’s name and contact, the photo. Recorded in the Audit Log.
              </Text>
              {error && (
                <Alert color="red" data-testid="lf-missing-error">
                  {error}
                </Alert>
              )}
              <Group>
                <Button color="red" onClick={() => void submit()} loading={busy} disabled={!area.trim()} data-testid="lf-missing-submit">
                  Report {picked.name} missing
                </Button>
              </Group>
            </>
          )}
        </Stack>
      </Paper>
    </SimpleGrid>
  )
}

function OurReports() {
  const api = useApi()
  const [state, setState] = useState<{ loading: boolean; data: PetMaydayOwnReport[] | null; error: string | null }>({ loading: true, data: null, error: null })
  const [actionError, setActionError] = useState<string | null>(null)
  const load = useCallback(() => {
    setState((s) => ({ ...s, loading: true }))
    api.call('petmayday.ownReports', {}).then(
      (data) => setState({ loading: false, data, error: null }),
      (e) => setState({ loading: false, data: null, error: plainError(e) })
    )
  }, [api])
  useEffect(load, [load])
  const setStatus = async (reportId: string, status: 'found' | 'closed') => {
    setActionError(null)
    try {
      await api.call('petmayday.setStatus', { reportId, status })
      load()
    } catch (e) {
      setActionError(plainError(e))
    }
  }
  if (state.loading && !state.data) return <Loader />
  if (state.error)
    return (
      <Alert color="red" data-testid="lf-ours-error">
        {state.error}
      </Alert>
    )
  const reports = state.data ?? []
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {reports.length === 0 ? 'This clinic has no open reports.' : `${reports.length} open report${reports.length === 1 ? '' : 's'} filed by this clinic`}
        </Text>
        <Button variant="subtle" size="xs" onClick={load} loading={state.loading}>
          Refresh
        </Button>
      </Group>
      {actionError && <Alert color="red">{actionError}</Alert>}
      <Stack data-testid="lf-ours">
        {reports.map((r) => (
          <ReportCard key={r.id} report={r}>
            <Text size="sm">
              Owner: {r.owner.name} · {r.owner.contact} · {r.owner.shareContact ? 'contact shared with finders' : 'contact relayed only'}
            </Text>
            <Text size="xs" c="dimmed">
              Filed {dateTime(r.createdAt)}
            </Text>
            {r.relays.length === 0 ? (
              <Text size="sm" c="dimmed">
                No sightings yet.
              </Text>
            ) : (
              <Stack gap={4} data-testid="lf-relays">
                {r.relays.map((x) => (
                  <Alert key={x.id} color={x.kind === 'found' ? 'teal' : 'blue'} variant="light" p="xs" title={`${x.kind === 'found' ? 'Found' : 'Seen'} by ${x.from.name} (${x.from.kind}), ${dateTime(x.at)}`}>
                    <Text size="sm" style={{ whiteSpace: 'pre-line' }}>
                      {x.text}
                    </Text>
                  </Alert>
                ))}
              </Stack>
            )}
            <Group gap="xs">
              {r.status === 'active' && (
                <Button size="xs" color="teal" onClick={() => void setStatus(r.id, 'found')} data-testid="lf-mark-found">
                  Mark found
                </Button>
              )}
              <Button size="xs" variant="default" onClick={() => void setStatus(r.id, 'closed')} data-testid="lf-close">
                Close report
              </Button>
            </Group>
          </ReportCard>
        ))}
      </Stack>
    </Stack>
  )
}
