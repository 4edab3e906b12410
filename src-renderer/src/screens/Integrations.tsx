import { useState } from 'react'
import { Link } from 'react-router-dom'
import { Alert, Badge, Button, Checkbox, Group, Modal, NumberInput, Paper, Select, Stack, Switch, Table, TagsInput, Text, TextInput, Title } from '@mantine/core'
import { DATA_CATEGORIES, INTEGRATION_KINDS, type CatalogEntry, type DataCategory, type IntegrationHealth, type Integration, type IntegrationConfig, type IntegrationKind, type LabProfile } from '../../../src-preload/contract'
import { useAction, useCall } from '../api/hooks'
import { useMe } from '../App'
import { fieldErrors } from '../components/forms'
import { dateTime } from '../format'
import { askReason } from '../prompt'
import { MessageLog } from '../components/MessageLog'
import { LabProfileForm, completeProfile, profileErrors } from '../components/LabProfileForm'
import { DicomNodePanel } from '../components/DicomNodePanel'
import { CATEGORY_LABEL, KIND_LABEL } from '../components/integrations/labels'
import { CatalogModal } from '../components/integrations/CatalogModal'
import { RequestIntegrationModal } from '../components/integrations/RequestIntegrationModal'
import { FormProblems } from '../components/FormProblems'

/** A starting point for a new lab: what it offers and how it codes species and sex. */
const PROFILE_TEMPLATE: LabProfile = completeProfile({
  labApplication: 'LAB',
  catalog: [{ code: 'CBC', name: 'Complete blood count', specimen: 'EDTA whole blood', kind: 'panel' }],
  speciesCodes: { canine: 'CANINE', feline: 'FELINE' },
  sexCodes: { 'male/neutered': 'MN', 'male/intact': 'M', 'female/neutered': 'FS', 'female/intact': 'F' }
})

/**
 * What each kind needs approved to do its work, as the consent gate asks for it: a lab order
 * carries the patient's identity, and a modality's worklist sends each scheduled patient's
 * identity with the imaging request.
 */
const NEEDED: Partial<Record<IntegrationKind, { who: string; categories: DataCategory[]; why: string }>> = {
  reference_lab: { who: 'a reference lab', categories: ['patient_identity', 'lab_orders'], why: 'Lab orders carry the patient’s identity.' },
  analyzer: { who: 'an analyzer', categories: ['patient_identity', 'lab_orders'], why: 'Orders sent to the analyzer carry the patient’s identity.' },
  imaging: { who: 'a modality', categories: ['patient_identity', 'imaging'], why: 'The modality’s worklist shows it each scheduled patient’s identity and imaging request. Images it sends are received either way.' },
  support: { who: 'VetOS support', categories: ['device_samples'], why: 'A request for a new integration carries the form and sample messages with patient identity removed; a request that keeps it needs patient identity and owner contact as well.' }
}

/** Kinds whose devices can be listened to in capture mode while nobody has profiled them. */
const CAPTURES: IntegrationKind[] = ['reference_lab', 'analyzer', 'imaging']

const shortCategory = (c: DataCategory) => CATEGORY_LABEL[c].replace(/ \(.*\)$/, '').toLowerCase()

/** A DICOM AE title: 1 to 16 printable ASCII characters, no backslash (PS3.5 AE). */
const AE_TITLE = /^[\x20-\x5b\x5d-\x7e]{1,16}$/
/** An IPv4 or IPv6 address: the node compares the caller's address with it, so no host names. */
const IP_ADDRESS = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)$/

/** What a modality's settings lack, before the hub is asked (it stores any config it is given). */
function modalityErrors(name: string, config: IntegrationConfig): Record<string, string> {
  const errors: Record<string, string> = {}
  if (!name.trim()) errors.name = 'Name the modality (for example its room)'
  const ae = config.aeTitle?.trim() ?? ''
  if (!ae) errors['config.aeTitle'] = 'Required: the AE title set on the modality'
  else if (!AE_TITLE.test(ae)) errors['config.aeTitle'] = 'At most 16 plain characters, no backslash'
  const host = config.host?.trim() ?? ''
  if (!host) errors['config.host'] = ae === '*' ? 'Required: * is accepted only from this address' : 'Required: where the modality connects from'
  else if (!IP_ADDRESS.test(host)) errors['config.host'] = 'An IP address, such as 192.168.1.40'
  for (const peer of config.allowedPeers ?? []) if (!IP_ADDRESS.test(peer)) errors['config.allowedPeers'] = `"${peer}" is not an IP address`
  return errors
}

/** Services VetOS calls when there is something to send or fetch: no link runs between calls. */
const ON_REQUEST = new Set<Integration['kind']>(['payments', 'petmayday', 'petlifelog', 'support'])

/** The link's state in a word or two; a service called on request is idle, not "not running", between calls. */
function stateLabel(i: Integration): string {
  if (i.status.state === 'not_running' && ON_REQUEST.has(i.kind)) return 'idle'
  return i.status.state.replace('_', ' ')
}

const STATE_COLOR: Record<Integration['status']['state'], string> = { not_running: 'gray', disabled: 'gray', listening: 'teal', connected: 'green', connecting: 'yellow', error: 'red' }

/** Each connection to the outside, its live status, and exactly what it has been approved to receive. */
export function IntegrationsScreen() {
  const me = useMe()
  const list = useCall('integrations.list', {})
  // Health reads the clock too (a link down for five minutes): asked again every half minute as well as on changes.
  const health = useCall('integrations.health', {}, { refetchInterval: 30_000 })
  const healthOf = new Map((health.data ?? []).map((h) => [h.integrationId, h]))
  // 'new': a blank integration; an entry: one started from the catalog
  const [editing, setEditing] = useState<Integration | CatalogEntry | 'new' | null>(null)
  const [browsing, setBrowsing] = useState(false)
  const [approving, setApproving] = useState<Integration | null>(null)
  const [viewing, setViewing] = useState<Integration | null>(null)
  const [requesting, setRequesting] = useState(false)
  const revoke = useAction('integrations.revoke')
  const admin = me.role === 'admin'

  return (
    <Stack maw={1300}>
      <Group justify="space-between">
        <div>
          <Title order={2}>Integrations</Title>
          <Text c="dimmed" size="sm">
            Nothing leaves the clinic unless an integration is configured, enabled and approved for that kind of data.
          </Text>
        </div>
        {admin ? (
          <Group>
            <Button variant="default" onClick={() => setRequesting(true)} data-testid="integration-request">
              Request a new integration
            </Button>
            <Button onClick={() => setBrowsing(true)} data-testid="integration-add">
              Add integration
            </Button>
          </Group>
        ) : (
          <Button variant="default" onClick={() => setBrowsing(true)} data-testid="integration-catalog">
            What can connect
          </Button>
        )}
      </Group>
      {revoke.error && <Alert color="red">{revoke.error.message}</Alert>}
      <Paper withBorder>
        <Table verticalSpacing="sm" data-testid="integrations-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Integration</Table.Th>
              <Table.Th>Connection</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Approved to receive</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(list.data ?? []).length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={5}>
                  <Text c="dimmed">No integrations configured.</Text>
                </Table.Td>
              </Table.Tr>
            )}
            {(list.data ?? []).map((i) => (
              <Table.Tr key={i.id}>
                <Table.Td>
                  <Text fw={600}>{i.name}</Text>
                  <Text size="xs" c="dimmed">
                    {KIND_LABEL[i.kind]}
                  </Text>
                  {i.config.capture && (
                    <Badge size="sm" color="grape" variant="light" data-testid="capture-badge">
                      capture mode
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td maw={240}>
                  <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                    {describeConfig(i.config)}
                  </Text>
                </Table.Td>
                <Table.Td miw={240} maw={360}>
                  <HealthLine health={healthOf.get(i.id)} />
                  <Badge color={STATE_COLOR[i.status.state]} variant="light" data-testid="integration-state">
                    {stateLabel(i)}
                  </Badge>
                  {/* a failing link's health already says it */}
                  {i.status.detail && healthOf.get(i.id)?.level !== 'failing' && (
                    <Text size="xs" c="dimmed">
                      {i.status.detail}
                    </Text>
                  )}
                  {Object.entries(i.status.counters).length > 0 && (
                    <Text size="xs" c="dimmed">
                      {Object.entries(i.status.counters)
                        .map(([k, v]) => `${k.replace('_', ' ')} ${v}`)
                        .join(' · ')}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  {i.approval ? (
                    <>
                      <Group gap={4}>
                        {i.approval.categories.map((c) => (
                          <Badge key={c} size="sm" variant="outline">
                            {c.replace('_', ' ')}
                          </Badge>
                        ))}
                      </Group>
                      <Text size="xs" c="dimmed">
                        by {i.approval.approvedByName ?? 'unknown'} · {dateTime(i.approval.approvedAt)}
                      </Text>
                    </>
                  ) : i.config.capture ? (
                    <Badge color="grape" variant="light">
                      capturing: sends nothing
                    </Badge>
                  ) : (
                    <Badge color="orange" variant="light">
                      not approved: sends nothing
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap={4} justify="flex-end" w={240}>
                    <Button size="compact-sm" variant="subtle" onClick={() => setViewing(i)}>
                      Messages
                    </Button>
                  {admin && (
                    <Group gap={4} justify="flex-end">
                      {/* read afresh first: the form starts from what is saved now, also right after a save */}
                      <Button size="compact-sm" variant="subtle" onClick={() => void list.refetch().then((r) => setEditing(r.data?.find((x) => x.id === i.id) ?? i))}>
                        Configure
                      </Button>
                      {i.config.capture && (
                        <Button size="compact-sm" variant="light" color="grape" component={Link} to={`/integrations/${i.id}/capture`} data-testid="integration-capture">
                          Capture
                        </Button>
                      )}
                      <Button size="compact-sm" variant="light" onClick={() => setApproving(i)}>
                        {i.approval ? 'Change approval' : 'Approve'}
                      </Button>
                      {i.approval && (
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          color="red"
                          onClick={async () => {
                            const reason = await askReason(`Withdraw the approval of “${i.name}”?`, { description: 'It sends nothing more until approved again. Your reason goes in the audit log.', confirmLabel: 'Revoke', danger: true })
                            if (reason) revoke.mutate({ id: i.id, reason })
                          }}
                        >
                          Revoke
                        </Button>
                      )}
                    </Group>
                  )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
      <DicomNodePanel />
      {browsing && (
        <CatalogModal
          onClose={() => setBrowsing(false)}
          onStart={
            admin
              ? (entry) => {
                  setBrowsing(false)
                  setEditing(entry ?? 'new')
                }
              : undefined
          }
          onRequest={
            admin
              ? () => {
                  setBrowsing(false)
                  setRequesting(true)
                }
              : undefined
          }
        />
      )}
      {editing && <ConfigModal integration={editing === 'new' || !('status' in editing) ? null : editing} entry={editing !== 'new' && !('status' in editing) ? editing : null} onClose={() => setEditing(null)} />}
      {approving && <ApproveModal integration={approving} onClose={() => setApproving(null)} />}
      {viewing && <MessageLog integration={viewing} onClose={() => setViewing(null)} />}
      {requesting && <RequestIntegrationModal onClose={() => setRequesting(false)} />}
    </Stack>
  )
}

const HEALTH_COLOR: Record<IntegrationHealth['level'], string> = { ok: 'teal', attention: 'orange', failing: 'red', off: 'dimmed' }

/** Whether it works, for the front desk: a headline, what to do, and the day's errors. */
function HealthLine({ health }: { health: IntegrationHealth | undefined }) {
  if (!health) return null
  return (
    <Stack gap={2} mb={4} data-testid="integration-health" data-level={health.level}>
      <Text size="sm" fw={600} c={HEALTH_COLOR[health.level]}>
        {health.headline}
      </Text>
      {health.advice && (
        <Text size="xs" c="dimmed">
          {health.advice}
        </Text>
      )}
    </Stack>
  )
}

function describeConfig(c: IntegrationConfig): string {
  const parts: string[] = []
  if (c.host) parts.push(`${c.host}${c.port ? `:${c.port}` : ''}`)
  if (c.listenPort) parts.push(`listens :${c.listenPort}`)
  if (c.serialPath) parts.push(`${c.serialPath}${c.baudRate ? ` @${c.baudRate}` : ''}`)
  if (c.aeTitle) parts.push(`AE ${c.aeTitle}`)
  if (c.baseUrl) parts.push(c.baseUrl)
  return parts.join(' · ') || '—'
}

/**
 * In a clinic with several workstations, the one that keeps this connection (the lab-room PC for
 * a serial analyzer, one PC for the DICOM node): orders placed anywhere sync to it and it sends
 * them; what it receives reaches every workstation. Shown once this workstation has joined a clinic server.
 */
function HostWorkstation({ config, onChange }: { config: IntegrationConfig; onChange: (workstationId: string, workstationName: string) => void }) {
  const status = useCall('sync.status', {})
  const joined = !!status.data
  // Asked every second until the first list has come from the clinic server.
  const devices = useCall('sync.devices', {}, { enabled: joined, refetchInterval: (q) => (q.state.data?.readAt ? false : 1000) })
  if (!joined) return null
  const active = (devices.data?.devices ?? []).filter((d) => !d.revokedAt)
  const options = active.map((d) => ({ value: d.deviceId, label: d.current ? `${d.name} (this workstation)` : d.name }))
  // The one already chosen stays shown while the list is on its way (or after it was revoked).
  if (config.workstationId && !options.some((o) => o.value === config.workstationId)) options.push({ value: config.workstationId, label: config.workstationName ?? 'another workstation' })
  const here = active.find((d) => d.current)
  return (
    <Select
      label="Runs on"
      description="The workstation that keeps this connection. Orders placed on any workstation wait for it and it sends them; results it receives appear everywhere."
      placeholder={devices.isLoading ? 'Reading the clinic’s workstations…' : 'This workstation'}
      data={options}
      value={config.workstationId ?? here?.deviceId ?? null}
      onChange={(v) => {
        const chosen = active.find((d) => d.deviceId === v)
        if (v && chosen) onChange(v, chosen.name)
      }}
      allowDeselect={false}
      data-testid="integration-host"
    />
  )
}

function ConfigModal({ integration, entry, onClose }: { integration: Integration | null; entry: CatalogEntry | null; onClose: () => void }) {
  // A catalog entry fills in its kind, name and profile; the clinic adds its own addresses.
  const start = integration?.config ?? (entry ? { ...entry.config, catalogEntry: entry.id } : {})
  const [kind, setKind] = useState<IntegrationKind>(integration?.kind ?? entry?.kind ?? 'reference_lab')
  const [name, setName] = useState(integration?.name ?? entry?.name ?? '')
  const [enabled, setEnabled] = useState(integration?.enabled ?? true)
  const [config, setConfig] = useState<IntegrationConfig>(() => {
    const { lab: _lab, ...rest } = start
    return rest
  })
  const [profile, setProfile] = useState<LabProfile>(start.lab ? completeProfile(start.lab) : PROFILE_TEMPLATE)
  // JSON typed in the profile's advanced view that is not a valid profile yet; saving waits for it.
  const [profileJsonError, setProfileJsonError] = useState<string | null>(null)
  const create = useAction('integrations.create', onClose)
  const update = useAction('integrations.update', onClose)
  const action = integration ? update : create
  // Checked here for modalities (shown once Save was pressed), and by the hub for everything.
  const [checked, setChecked] = useState(false)
  const local = kind === 'imaging' && checked ? modalityErrors(name, config) : {}
  const errors = { ...fieldErrors(action.error), ...local }
  const set = <K extends keyof IntegrationConfig>(k: K, v: IntegrationConfig[K] | '' | undefined) => {
    const next = { ...config }
    if (v === '' || v === undefined) delete next[k]
    else next[k] = v as IntegrationConfig[K]
    setConfig(next)
  }
  const num = (v: string | number) => (typeof v === 'number' ? v : undefined)
  const network = kind === 'reference_lab' || kind === 'analyzer'
  const imaging = kind === 'imaging'
  const lab = kind === 'reference_lab' || kind === 'analyzer'

  return (
    <Modal opened onClose={onClose} title={integration ? `Configure ${integration.name}` : entry ? `Set up: ${entry.name}` : 'Add integration'} size={lab ? 'xl' : 'lg'}>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          if (lab && profileJsonError) return // the JSON view shows what is wrong
          if (imaging) {
            setChecked(true)
            if (Object.keys(modalityErrors(name, config)).length) return
          }
          const full = lab ? { ...config, lab: profile } : config
          if (integration) update.mutate({ id: integration.id, name, enabled, config: full })
          else create.mutate({ kind, name, enabled, config: full })
        }}
      >
        <Stack>
          {entry && (
            <Alert color="blue" variant="light" data-testid="integration-from-catalog">
              Filled in from the catalog: {entry.connects} Add this clinic’s addresses, save, then approve it for {entry.categories.map((c) => CATEGORY_LABEL[c].replace(/ \(.*\)$/, '').toLowerCase()).join(' and ')}.
            </Alert>
          )}
          {!integration && !entry && <Select label="Kind" data={INTEGRATION_KINDS.map((k) => ({ value: k, label: KIND_LABEL[k] }))} value={kind} onChange={(v) => setKind(v as IntegrationKind)} allowDeselect={false} data-testid="integration-kind" />}
          <TextInput label="Name" placeholder={imaging ? 'Digital X-ray room (DR)' : undefined} value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} required={!imaging} withAsterisk data-testid="integration-name" />
          <Switch label="Enabled" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
          {CAPTURES.includes(kind) && (
            <Switch
              label="Capture mode"
              description="For a device nobody has profiled yet: VetOS records what it sends (Capture, on the list) without filing anything or answering with patient data; build its profile from that, then turn this off."
              checked={config.capture === true}
              onChange={(e) => set('capture', e.currentTarget.checked || undefined)}
              data-testid="integration-capture-mode"
            />
          )}
          {network && (
            <Group grow>
              <TextInput label="Peer host" value={config.host ?? ''} onChange={(e) => set('host', e.currentTarget.value)} error={errors['config.host']} />
              <NumberInput label="Peer port" value={config.port ?? ''} onChange={(v) => set('port', num(v))} error={errors['config.port']} />
              <NumberInput label="Listen port" value={config.listenPort ?? ''} onChange={(v) => set('listenPort', num(v))} error={errors['config.listenPort']} />
            </Group>
          )}
          {kind === 'analyzer' && (
            <Group grow>
              <TextInput label="Serial device" placeholder="/dev/ttyUSB0" value={config.serialPath ?? ''} onChange={(e) => set('serialPath', e.currentTarget.value)} />
              <NumberInput label="Baud rate" value={config.baudRate ?? ''} onChange={(v) => set('baudRate', num(v))} error={errors['config.baudRate']} />
            </Group>
          )}
          {imaging && (
            <>
              <Text size="sm" c="dimmed">
                The modality calls VetOS: it sends its images here and asks for its worklist. VetOS accepts it only with this AE title from this address (with *, any AE title from it).
              </Text>
              <Group grow align="flex-start">
                <TextInput
                  label="Calling AE title"
                  description="As set on the modality; * for any"
                  placeholder="DRROOM1"
                  maxLength={16}
                  withAsterisk
                  value={config.aeTitle ?? ''}
                  onChange={(e) => set('aeTitle', e.currentTarget.value)}
                  error={errors['config.aeTitle']}
                  data-testid="modality-aet"
                />
                <TextInput
                  label="Modality address"
                  description="The IP address it connects from"
                  placeholder="192.168.1.40"
                  withAsterisk
                  value={config.host ?? ''}
                  onChange={(e) => set('host', e.currentTarget.value.trim())}
                  error={errors['config.host']}
                  data-testid="modality-host"
                />
              </Group>
              <TagsInput
                label="Other addresses"
                description="Further IP addresses the same modality may connect from (optional)"
                value={config.allowedPeers ?? []}
                onChange={(v) => set('allowedPeers', v.length ? v : undefined)}
                error={errors['config.allowedPeers']}
              />
              <Text size="sm" c="dimmed">
                To show it the worklist, approve it afterwards for patient identity and imaging requests.
              </Text>
            </>
          )}
          {network && <TagsInput label="Allowed peers" description="IP addresses (or AE titles) that may connect" value={config.allowedPeers ?? []} onChange={(v) => set('allowedPeers', v.length ? v : undefined)} />}
          {!network && !imaging && <TextInput label="Service URL" value={config.baseUrl ?? ''} onChange={(e) => set('baseUrl', e.currentTarget.value)} error={errors['config.baseUrl']} />}
          {(kind === 'payments' || kind === 'petmayday' || kind === 'petlifelog' || kind === 'support') && (
            <Group grow>
              <TextInput label="Account id" value={config.accountId ?? ''} onChange={(e) => set('accountId', e.currentTarget.value)} />
              <TextInput label="API key" description="Stored on this workstation; shown masked" value={config.apiKey ?? ''} onChange={(e) => set('apiKey', e.currentTarget.value)} />
            </Group>
          )}
          {lab && <HostWorkstation config={config} onChange={(workstationId, workstationName) => setConfig({ ...config, workstationId, workstationName })} />}
          {lab && <LabProfileForm value={profile} onChange={setProfile} kind={kind} errors={profileErrors(errors, 'config.lab')} onJsonError={setProfileJsonError} />}
          {integration?.approval && (
            <Alert color="yellow">Changing where data goes (host, port, device, URL, account or key) withdraws the approval; approve it again afterwards.</Alert>
          )}
          <FormProblems error={action.error} fields={['config.aeTitle', 'config.allowedPeers', 'config.baseUrl', 'config.baudRate', 'config.host', 'config.listenPort', 'config.port', 'name', ...Object.keys(errors).filter((k) => k.startsWith('config.lab'))]} />
          <Group justify="flex-end">
            <Button type="submit" loading={action.isPending}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}

function ApproveModal({ integration, onClose }: { integration: Integration; onClose: () => void }) {
  const needed = NEEDED[integration.kind]
  // A first approval starts from what this kind needs; a change starts from what was approved.
  const [categories, setCategories] = useState<string[]>(integration.approval?.categories ?? needed?.categories ?? [])
  const approve = useAction('integrations.approve', onClose)
  const missing = (needed?.categories ?? []).filter((c) => !categories.includes(c))
  return (
    <Modal opened onClose={onClose} title={`Approve ${integration.name}`} size="lg">
      <Stack>
        <Text size="sm">Choose exactly what this integration may receive. Anything else it is asked to send will be refused and logged.</Text>
        {needed && (
          <Text size="sm" c="dimmed">
            {needed.who[0].toUpperCase() + needed.who.slice(1)} needs {needed.categories.map(shortCategory).join(' and ')}. {needed.why}
          </Text>
        )}
        <Checkbox.Group value={categories} onChange={setCategories}>
          <Stack gap="xs">
            {DATA_CATEGORIES.map((c) => (
              <Checkbox key={c} value={c} label={CATEGORY_LABEL[c]} description={needed?.categories.includes(c) ? `Needed by ${needed.who}` : undefined} />
            ))}
          </Stack>
        </Checkbox.Group>
        {missing.length > 0 && (
          <Alert color="yellow" variant="light">
            Without {missing.map(shortCategory).join(' and ')}, {integration.kind === 'imaging' ? 'its worklist queries are refused' : 'orders to it are refused'}.
          </Alert>
        )}
        {approve.error && <Alert color="red">{approve.error.message}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={() => approve.mutate({ id: integration.id, categories: categories as DataCategory[] })} loading={approve.isPending}>
            Approve
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}
