import { useEffect, useState } from 'react'
import { Alert, Badge, Divider, Group, List, NumberInput, Select, SimpleGrid, Stack, Switch, Tabs, Text, TextInput, Textarea, Title } from '@mantine/core'
import { LabProfile, SPECIES, type IntegrationKind } from '../../../src-preload/contract'
import { AstmFieldsGrid, CatalogTable, CodeMapTable, useDerivedDraft, type ProfileErrors } from './LabProfileTables'

type Tab = 'messages' | 'tests' | 'codes' | 'codemap' | 'astm'
const ANALYZER_TABS: Tab[] = ['astm']

/** A full profile from a possibly partial one (a profile saved before a field existed lacks it). */
export function completeProfile(p: Partial<LabProfile> | undefined): LabProfile {
  return { ...LabProfile.parse({}), ...p }
}

/** The API's field errors under `prefix` (e.g. "config.lab"), keyed by their path inside the profile. */
export function profileErrors(errors: Record<string, string>, prefix: string): ProfileErrors {
  const out: ProfileErrors = {}
  for (const [k, v] of Object.entries(errors)) {
    if (k === prefix) out[''] = v
    else if (k.startsWith(`${prefix}.`)) out[k.slice(prefix.length + 1)] = v
  }
  return out
}

const MESSAGE_FIELDS = new Set(['orderMessage', 'hl7Version', 'pidSpeciesField', 'pidBreedField', 'application', 'facility', 'labApplication', 'labFacility', 'astmSender'])

function tabOf(key: string): Tab | null {
  const head = key.split('.')[0]
  if (MESSAGE_FIELDS.has(head)) return 'messages'
  if (head === 'catalog' && /^catalog\.\d+\.\w+$/.test(key)) return 'tests'
  if (head === 'speciesCodes' || head === 'sexCodes') return 'codes'
  if (head === 'codeMap') return 'codemap'
  if (head === 'astmFields') return 'astm'
  return null
}

/**
 * A lab's or analyzer's profile as a guided form: message settings, the test catalog, the lab's species
 * and sex codes, the result code map, and for analyzers the ASTM field positions. Experts can switch to
 * the JSON; both views edit the same value. `onJsonError` reports JSON that is not (yet) a valid
 * profile, so the caller can refuse to save while it is pending.
 */
export function LabProfileForm({
  value,
  onChange,
  kind,
  errors,
  onJsonError
}: {
  value: LabProfile
  onChange: (p: LabProfile) => void
  kind: IntegrationKind
  errors: ProfileErrors
  onJsonError?: (message: string | null) => void
}) {
  const analyzer = kind === 'analyzer'
  const [json, setJson] = useState(false)
  const [tab, setTab] = useState<Tab>('messages')
  const set = <K extends keyof LabProfile>(k: K, v: LabProfile[K]) => {
    const next = { ...value, [k]: v }
    // Optional parts left empty are removed, so the saved profile says only what differs from the defaults.
    if (v === undefined) delete next[k]
    onChange(next)
  }

  const visible = (t: Tab | null) => t !== null && (analyzer || !ANALYZER_TABS.includes(t)) && !json
  const shownInline = (k: string) => visible(tabOf(k)) && (k !== 'astmSender' || analyzer) && (!k.startsWith('catalog.') || Number(k.split('.')[1]) < value.catalog.length)
  const elsewhere = Object.entries(errors).filter(([k]) => !shownInline(k))
  const countOn = (t: Tab) => Object.keys(errors).filter((k) => shownInline(k) && tabOf(k) === t).length

  // When the server refuses a save, open the first tab that has something to fix.
  const errorKeys = Object.keys(errors).join('|')
  useEffect(() => {
    const first = Object.keys(errors).find(shownInline)
    if (first) setTab(tabOf(first)!)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [errorKeys])

  const tabLabel = (t: Tab, label: string) => {
    const n = countOn(t)
    return (
      <Tabs.Tab value={t} color={n ? 'red' : undefined} rightSection={n ? <Badge size="xs" color="red" circle>{n}</Badge> : null}>
        {label}
      </Tabs.Tab>
    )
  }

  return (
    <Stack gap="sm" data-testid="lab-profile-form">
      <Divider mt="xs" />
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={5}>Lab profile</Title>
          <Text c="dimmed" size="xs">
            What this {analyzer ? 'analyzer' : 'lab'} offers and how it names things
          </Text>
        </div>
        <Switch label="Advanced: edit as JSON" checked={json} onChange={(e) => setJson(e.currentTarget.checked)} data-testid="profile-json-toggle" />
      </Group>
      {elsewhere.length > 0 && (
        <Alert color="red" title="The lab profile was not saved" data-testid="profile-errors">
          <List size="sm">
            {elsewhere.map(([k, v]) => (
              <List.Item key={k}>{k ? `${k}: ${v}` : v}</List.Item>
            ))}
          </List>
        </Alert>
      )}
      {json ? (
        <JsonView value={value} onChange={onChange} onJsonError={onJsonError} />
      ) : (
        <Tabs value={analyzer || !ANALYZER_TABS.includes(tab) ? tab : 'messages'} onChange={(t) => t && setTab(t as Tab)} keepMounted={false}>
          <Tabs.List mb="sm">
            {tabLabel('messages', 'Messages')}
            {tabLabel('tests', `Tests (${value.catalog.length})`)}
            {tabLabel('codes', 'Species & sex')}
            {tabLabel('codemap', `Result codes (${Object.keys(value.codeMap ?? {}).length})`)}
            {analyzer && tabLabel('astm', 'ASTM fields')}
          </Tabs.List>
          <Tabs.Panel value="messages">
            <MessageSettings value={value} set={set} analyzer={analyzer} errors={errors} />
          </Tabs.Panel>
          <Tabs.Panel value="tests">
            <CatalogTable catalog={value.catalog} onChange={(c) => set('catalog', c)} errors={errors} />
          </Tabs.Panel>
          <Tabs.Panel value="codes">
            <IdentityCodesForm value={value} set={set} errors={errors} />
          </Tabs.Panel>
          <Tabs.Panel value="codemap">
            <Section title="Result codes" hint={`The ${analyzer ? 'analyzer' : 'lab'}'s codes for its results, mapped to the clinic's, so trends line up across labs and instruments`}>
              <CodeMapTable codeMap={value.codeMap} onChange={(m) => set('codeMap', m)} errors={errors} />
            </Section>
          </Tabs.Panel>
          {analyzer && (
            <Tabs.Panel value="astm">
              <Section title="ASTM field positions" hint="Only where this analyzer differs from the standard (shown in grey); 1-based field numbers, as in the standard">
                <AstmFieldsGrid fields={value.astmFields} onChange={(f) => set('astmFields', f)} errors={errors} />
              </Section>
            </Tabs.Panel>
          )}
        </Tabs>
      )}
    </Stack>
  )
}

/** The device's codes for species and sex: what VetOS sends, and how it reads what comes back. */
export function IdentityCodesForm({ value, set, errors }: { value: LabProfile; set: <K extends keyof LabProfile>(k: K, v: LabProfile[K]) => void; errors: ProfileErrors }) {
  return (
    <Stack gap="md">
      <CodeGrid
        title="Species codes"
        hint="Its code for each species. Left blank, VetOS uses its own name (shown in grey)."
        rows={SPECIES_ROWS}
        codes={value.speciesCodes}
        fallback={(key) => key}
        maxLength={40}
        onChange={(c) => set('speciesCodes', c)}
        errors={errors}
        path="speciesCodes"
        testid="species-code"
        cols={4}
      />
      <CodeGrid
        title="Sex codes"
        hint="Its code for each sex and neuter status. Left blank, VetOS uses the code shown in grey."
        rows={SEX_ROWS}
        codes={value.sexCodes}
        fallback={(key) => value.sexCodes[key.split('/')[0]] ?? SEX_FALLBACK[key.split('/')[0]] ?? 'U'}
        maxLength={10}
        onChange={(c) => set('sexCodes', c)}
        errors={errors}
        path="sexCodes"
        testid="sex-code"
        cols={3}
      />
    </Stack>
  )
}

const ORDER_MESSAGES = [
  { value: 'ORM^O01', label: 'ORM^O01 (general order)' },
  { value: 'OML^O21', label: 'OML^O21 (laboratory order)' }
]

function MessageSettings({ value, set, analyzer, errors }: { value: LabProfile; set: <K extends keyof LabProfile>(k: K, v: LabProfile[K]) => void; analyzer: boolean; errors: ProfileErrors }) {
  const text = (k: 'application' | 'facility' | 'labApplication' | 'labFacility') => ({
    value: value[k],
    maxLength: 40,
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => set(k, e.currentTarget.value),
    error: errors[k],
    'data-testid': `profile-${k}`
  })
  return (
    <Stack gap="sm">
      <Group align="flex-start">
        <Select label="Order message" description="The HL7 message type this lab expects for orders" data={ORDER_MESSAGES} value={value.orderMessage} allowDeselect={false} onChange={(v) => set('orderMessage', v as LabProfile['orderMessage'])} error={errors.orderMessage} w={300} data-testid="profile-orderMessage" />
        {!analyzer && (
          <Select
            label="HL7 version"
            description="What VetOS writes in MSH-12"
            data={[
              { value: '2.5', label: 'v2.5' },
              { value: '2.3.1', label: 'v2.3.1' }
            ]}
            value={value.hl7Version ?? '2.5'}
            allowDeselect={false}
            onChange={(v) => set('hl7Version', v === '2.5' ? undefined : (v as LabProfile['hl7Version']))}
            error={errors.hl7Version}
            w={160}
            data-testid="profile-hl7Version"
          />
        )}
      </Group>
      {!analyzer && (
        <Group align="flex-start">
          <NumberInput label="Species in PID-" description="Where the lab reads and writes the species" placeholder="35" min={1} max={60} allowDecimal={false} value={value.pidSpeciesField ?? ''} onChange={(v) => set('pidSpeciesField', typeof v === 'number' ? v : undefined)} error={errors.pidSpeciesField} w={200} data-testid="profile-pidSpeciesField" />
          <NumberInput label="Breed in PID-" description="Where it reads and writes the breed" placeholder="36" min={1} max={60} allowDecimal={false} value={value.pidBreedField ?? ''} onChange={(v) => set('pidBreedField', typeof v === 'number' ? v : undefined)} error={errors.pidBreedField} w={200} data-testid="profile-pidBreedField" />
        </Group>
      )}
      <Group grow align="flex-start">
        <TextInput label="VetOS sends as (MSH-3)" description="Our application name in orders" placeholder="VETOS" {...text('application')} />
        <TextInput label="Clinic facility (MSH-4)" description="Often the clinic's account at the lab" {...text('facility')} />
      </Group>
      <Group grow align="flex-start">
        <TextInput label="Lab sends as (MSH-3)" description="Results from this sender come to this integration" placeholder="LAB" {...text('labApplication')} />
        <TextInput label="Lab facility (MSH-4)" description="Where orders are addressed" {...text('labFacility')} />
      </Group>
      {analyzer && (
        <SimpleGrid cols={2}>
          <TextInput
            label="ASTM sender name"
            description="In the H records VetOS sends; blank uses the name above"
            placeholder={value.application || 'VETOS'}
            value={value.astmSender ?? ''}
            maxLength={40}
            onChange={(e) => set('astmSender', e.currentTarget.value || undefined)}
            error={errors.astmSender}
            data-testid="profile-astmSender"
          />
        </SimpleGrid>
      )}
    </Stack>
  )
}

const cap = (s: string) => s[0].toUpperCase() + s.slice(1)
const SPECIES_ROWS = SPECIES.map((s) => ({ key: s, label: cap(s) }))

// Keys as src-main/hl7/lab-messages.ts looks them up: "sex/neuter status" first, then the sex alone.
const SEX_ROWS = [
  { key: 'male/intact', label: 'Male, intact' },
  { key: 'male/neutered', label: 'Male, neutered' },
  { key: 'male/unknown', label: 'Male, status unknown' },
  { key: 'female/intact', label: 'Female, intact' },
  { key: 'female/neutered', label: 'Female, spayed' },
  { key: 'female/unknown', label: 'Female, status unknown' },
  { key: 'unknown', label: 'Sex unknown' }
]
const SEX_FALLBACK: Record<string, string> = { male: 'M', female: 'F', unknown: 'U' }

/** One text input per VetOS value for the lab's code; a blank input removes the key. */
function CodeGrid({
  title,
  hint,
  rows,
  codes,
  fallback,
  maxLength,
  onChange,
  errors,
  path,
  testid,
  cols
}: {
  title: string
  hint: string
  rows: { key: string; label: string }[]
  codes: Record<string, string>
  fallback: (key: string) => string
  maxLength: number
  onChange: (c: Record<string, string>) => void
  errors: ProfileErrors
  path: string
  testid: string
  cols: number
}) {
  const set = (key: string, v: string) => {
    const next = { ...codes }
    if (v) next[key] = v
    else delete next[key]
    onChange(next)
  }
  // Keys the form does not offer (pasted as JSON, or from an older VetOS) stay visible and editable.
  const extra = Object.keys(codes)
    .filter((k) => !rows.some((r) => r.key === k))
    .map((k) => ({ key: k, label: k }))
  return (
    <Section title={title} hint={hint}>
      <SimpleGrid cols={cols} spacing="xs" verticalSpacing="xs">
        {[...rows, ...extra].map((r) => (
          <TextInput key={r.key} label={r.label} placeholder={fallback(r.key)} value={codes[r.key] ?? ''} maxLength={maxLength} onChange={(e) => set(r.key, e.currentTarget.value)} error={errors[`${path}.${r.key}`]} data-testid={`${testid}-${r.key}`} />
        ))}
      </SimpleGrid>
    </Section>
  )
}

function Section({ title, hint, children }: { title: string; hint: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="sm" fw={700}>
        {title}
      </Text>
      <Text c="dimmed" size="xs" mb={6}>
        {hint}
      </Text>
      {children}
    </div>
  )
}

const pretty = (p: LabProfile) => JSON.stringify(p, null, 2)

/** Parsed with the contract's own schema, so the form only ever holds a profile the server could accept in shape. */
function parseProfile(text: string): LabProfile | string {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (e) {
    return `Not valid JSON: ${(e as Error).message}`
  }
  const r = LabProfile.safeParse(raw)
  if (r.success) return r.data
  return `Not a lab profile: ${r.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(profile)'} ${i.message}`)
    .join('; ')}`
}

/** The profile as JSON; text that does not parse stays here with its error and never reaches the form. */
function JsonView({ value, onChange, onJsonError }: { value: LabProfile; onChange: (p: LabProfile) => void; onJsonError?: (message: string | null) => void }) {
  const [draft, setDraft] = useDerivedDraft(value, (v) => ({ text: pretty(v), error: null as string | null }))
  // Leaving the JSON view drops an unparsed draft, so nothing is pending any more.
  useEffect(() => () => onJsonError?.(null), [onJsonError])
  return (
    <Textarea
      aria-label="Lab profile (JSON)"
      description="Paste or edit the whole profile. Text that is not a valid profile is not applied to the form."
      value={draft.text}
      onChange={(e) => {
        const text = e.currentTarget.value
        const parsed = parseProfile(text)
        if (typeof parsed === 'string') {
          setDraft({ text, error: parsed }, value)
          onJsonError?.(parsed)
        } else {
          setDraft({ text, error: null }, parsed)
          onJsonError?.(null)
          onChange(parsed)
        }
      }}
      autosize
      minRows={8}
      maxRows={22}
      styles={{ input: { fontFamily: 'monospace', fontSize: 12 } }}
      error={draft.error}
      data-testid="lab-profile"
    />
  )
}
