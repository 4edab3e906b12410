import { useState } from 'react'
import { Alert, Anchor, Badge, Button, Group, Loader, Modal, Paper, Select, SimpleGrid, Stack, Table, Tabs, Text, TextInput, Textarea, Title } from '@mantine/core'
import { IconAlertTriangle, IconEdit, IconUserShare } from '@tabler/icons-react'
import { Link, useParams, useSearchParams } from 'react-router-dom'
import { OWNER_CHANGE_ROLES, type ClinicalNote, type PatientAlert, type PatientDetail, type Visit } from '../../../src-preload/contract'
import { useAction, useCall } from '../api/hooks'
import { useMe } from '../App'
import { PatientForm } from '../components/PatientForm'
import { ChangeOwnerDialog } from '../components/ChangeOwnerDialog'
import { AuditTable } from '../components/AuditTable'
import { PatientLabs } from './PatientLabs'
import { PatientDocuments } from './PatientDocuments'
import { PatientImaging } from './PatientImaging'
import { PatientBilling } from './PatientBilling'
import { fieldErrors, formProblems } from '../components/forms'
import { FormAlerts } from '../components/Confirmations'
import { showWeight, useWeightUnit } from '../components/weight'
import { askReason } from '../prompt'
import { MissingMatchDetails } from '../components/lost-found/shared'
import { PetLifeLogCard } from '../components/petlifelog/PetLifeLogCard'
import { age, date, dateTime, sexLabel, SPECIES_LABEL } from '../format'
import { FormProblems } from '../components/FormProblems'

const CLINICAL = new Set(['veterinarian', 'technician', 'admin'])
const SEVERITY_COLOR = { info: 'blue', warning: 'orange', critical: 'red' } as const

/**
 * PetMayday: a red banner when the patient's microchip is on an active missing-pet report; an
 * orange one for a possible match (name, species, area), which a person confirms before acting.
 * The live events refetch it (a report arriving or found).
 */
function MissingBanner({ patientId }: { patientId: string }) {
  const matches = useCall('proveniq.missingMatches', { patientId })
  const m = matches.data?.[0]
  if (!m) return null
  const exact = m.kind === 'exact'
  return (
    <Alert
      data-testid="missing-banner"
      data-kind={m.kind}
      color={exact ? 'red' : 'orange'}
      variant={exact ? 'filled' : 'light'}
      icon={<IconAlertTriangle size={18} />}
      title={exact ? 'Reported missing on PetMayday' : 'Possible PetMayday match — confirm before acting'}
    >
      <MissingMatchDetails match={m} patientId={patientId} more={(matches.data?.length ?? 1) - 1} />
    </Alert>
  )
}

export function PatientScreen() {
  const { id = '' } = useParams()
  const detail = useCall('patients.get', { id })
  const [editing, setEditing] = useState(false)
  const [changingOwner, setChangingOwner] = useState(false)
  const [params, setParams] = useSearchParams()
  const tab = params.get('tab') ?? 'overview'
  const me = useMe()
  const unit = useWeightUnit()
  if (detail.isLoading) return <Loader />
  if (detail.error) return <Alert color="red">{detail.error.message}</Alert>
  const d = detail.data!
  const { patient, owner } = d
  const phone = owner.contacts.find((c) => c.kind === 'phone')

  return (
    <Stack maw={1200}>
      <Paper withBorder p="md">
        <Group justify="space-between" align="flex-start">
          <Stack gap={4}>
            <Group gap="xs">
              <Title order={2} data-testid="patient-name">
                {patient.name}
              </Title>
              {patient.deceasedAt && <Badge color="gray">deceased {date(patient.deceasedAt)}</Badge>}
            </Group>
            <Text>
              {SPECIES_LABEL[patient.species] ?? patient.species}
              {patient.breed ? ` · ${patient.breed}` : ''} · {sexLabel(patient)} · {age(patient.dateOfBirth)}
              {patient.dobEstimated ? ' (estimated)' : ''}
              {patient.color ? ` · ${patient.color}` : ''}
            </Text>
            <Text size="sm" c="dimmed">
              Owner{' '}
              <Anchor component={Link} to={`/clients/${owner.id}`} data-testid="patient-owner">
                {owner.firstName} {owner.lastName}
              </Anchor>
              {phone ? ` · ${phone.value}` : ''}
              {patient.microchip ? ` · Microchip ${patient.microchip}` : ' · No microchip'}
              {d.weights[0] ? ` · ${showWeight(d.weights[0].weightKg, unit)} on ${date(d.weights[0].measuredAt)}` : ''}
            </Text>
            {d.alerts.length > 0 && (
              <Group gap={6} mt={4}>
                {d.alerts.map((a) => (
                  <Badge key={a.id} color={SEVERITY_COLOR[a.severity]} leftSection={<IconAlertTriangle size={12} />} variant={a.severity === 'critical' ? 'filled' : 'light'}>
                    {a.text}
                  </Badge>
                ))}
              </Group>
            )}
          </Stack>
          <Group gap="xs">
            {(OWNER_CHANGE_ROLES as readonly string[]).includes(me.role) && (
              <Button variant="default" leftSection={<IconUserShare size={16} />} onClick={() => setChangingOwner(true)} data-testid="patient-change-owner">
                Change owner
              </Button>
            )}
            <Button variant="default" leftSection={<IconEdit size={16} />} onClick={() => setEditing(true)}>
              Edit
            </Button>
          </Group>
        </Group>
      </Paper>
      <MissingBanner patientId={patient.id} />
      {/* The tab is in the address (?tab=labs): a notification opens the exact tab, and Back returns to it. */}
      <Tabs value={tab} onChange={(v) => setParams(v && v !== 'overview' ? { tab: v } : {}, { replace: true })} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="overview">Overview</Tabs.Tab>
          <Tabs.Tab value="labs">Lab Orders</Tabs.Tab>
          <Tabs.Tab value="imaging">Imaging</Tabs.Tab>
          <Tabs.Tab value="documents">Documents</Tabs.Tab>
          <Tabs.Tab value="billing" data-testid="patient-tab-billing">Billing</Tabs.Tab>
          <Tabs.Tab value="history">History</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="overview" pt="md">
          <Overview d={d} />
        </Tabs.Panel>
        <Tabs.Panel value="labs" pt="md">
          <PatientLabs patientId={patient.id} visitId={d.visits.find((v) => v.status === 'checked_in' || v.status === 'in_progress')?.id ?? null} />
        </Tabs.Panel>
        <Tabs.Panel value="imaging" pt="md">
          <PatientImaging d={d} />
        </Tabs.Panel>
        <Tabs.Panel value="documents" pt="md">
          <PatientDocuments patientId={patient.id} />
        </Tabs.Panel>
        <Tabs.Panel value="billing" pt="md">
          <PatientBilling patientId={patient.id} clientId={owner.id} />
        </Tabs.Panel>
        <Tabs.Panel value="history" pt="md">
          <PatientHistory patientId={patient.id} />
        </Tabs.Panel>
      </Tabs>
      {editing && <PatientForm clientId={owner.id} patient={patient} opened onClose={() => setEditing(false)} onSaved={() => setEditing(false)} />}
      {changingOwner && <ChangeOwnerDialog patient={patient} owner={owner} onClose={() => setChangingOwner(false)} />}
    </Stack>
  )
}

function Overview({ d }: { d: PatientDetail }) {
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
      <Stack>
        <Visits d={d} />
        <Notes d={d} />
      </Stack>
      <Stack>
        <Alerts patientId={d.patient.id} alerts={d.alerts} />
        <Weights d={d} />
        <PetLifeLogCard patientId={d.patient.id} />
      </Stack>
    </SimpleGrid>
  )
}

const VISIT_COLOR: Record<Visit['status'], string> = { booked: 'gray', checked_in: 'blue', in_progress: 'teal', completed: 'green', cancelled: 'red' }
const VISIT_NEXT: Record<Visit['status'], { to: Visit['status']; label: string }[]> = {
  booked: [{ to: 'checked_in', label: 'Check in' }, { to: 'cancelled', label: 'Cancel' }],
  checked_in: [{ to: 'in_progress', label: 'Start' }, { to: 'cancelled', label: 'Cancel' }],
  in_progress: [{ to: 'completed', label: 'Complete' }],
  completed: [],
  cancelled: []
}

function Visits({ d }: { d: PatientDetail }) {
  const [open, setOpen] = useState(false)
  const move = useAction('visits.setStatus')
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="xs">
        <Title order={4}>Visits</Title>
        <Button size="xs" onClick={() => setOpen(true)}>
          Check in
        </Button>
      </Group>
      {move.error && <Alert color="red">{move.error.message}</Alert>}
      {d.visits.length === 0 && <Text c="dimmed">No visits yet.</Text>}
      <Table verticalSpacing={6}>
        <Table.Tbody>
          {d.visits.slice(0, 12).map((v) => (
            <Table.Tr key={v.id}>
              <Table.Td w={130}>
                <Text size="sm">{date(v.startedAt ?? v.scheduledAt ?? v.createdAt)}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{v.reason}</Text>
                <Text size="xs" c="dimmed">
                  {v.veterinarianName ?? 'No veterinarian assigned'}
                </Text>
              </Table.Td>
              <Table.Td>
                <Badge color={VISIT_COLOR[v.status]} variant="light">
                  {v.status.replace('_', ' ')}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Group gap={4} justify="flex-end">
                  {VISIT_NEXT[v.status].map((n) => (
                    <Button key={n.to} size="compact-xs" variant="subtle" color={n.to === 'cancelled' ? 'red' : undefined} onClick={() => move.mutate({ id: v.id, status: n.to })}>
                      {n.label}
                    </Button>
                  ))}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {open && <CheckInModal patientId={d.patient.id} onClose={() => setOpen(false)} />}
    </Paper>
  )
}

function CheckInModal({ patientId, onClose }: { patientId: string; onClose: () => void }) {
  const staff = useCall('staff.list', {})
  const [reason, setReason] = useState('')
  const [vet, setVet] = useState<string | null>(null)
  const create = useAction('visits.create', onClose)
  const errors = fieldErrors(create.error)
  return (
    <Modal opened onClose={onClose} title="Check in a visit">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          create.mutate({ patientId, reason, veterinarianId: vet, status: 'checked_in' })
        }}
      >
        <Stack>
          <TextInput label="Reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={errors.reason} data-autofocus required />
          <Select
            label="Veterinarian"
            placeholder="Assign later"
            clearable
            data={(staff.data ?? []).filter((s) => s.role === 'veterinarian' && s.active).map((s) => ({ value: s.id, label: s.displayName }))}
            value={vet}
            onChange={setVet}
          />
          <FormProblems error={create.error} fields={['reason']} />
          <Group justify="flex-end">
            <Button type="submit" loading={create.isPending}>
              Check in
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}

function Alerts({ patientId, alerts }: { patientId: string; alerts: PatientAlert[] }) {
  const me = useMe()
  const [adding, setAdding] = useState(false)
  const [text, setText] = useState('')
  const [kind, setKind] = useState<string | null>('allergy')
  const [severity, setSeverity] = useState<string | null>('warning')
  const add = useAction('patients.addAlert', () => (setAdding(false), setText('')))
  const resolve = useAction('patients.resolveAlert')
  const canEdit = CLINICAL.has(me.role)
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="xs">
        <Title order={4}>Alerts</Title>
        {canEdit && (
          <Button size="xs" variant="light" onClick={() => setAdding(!adding)}>
            Add alert
          </Button>
        )}
      </Group>
      {alerts.length === 0 && !adding && <Text c="dimmed">No active alerts.</Text>}
      <Stack gap={6}>
        {alerts.map((a) => (
          <Group key={a.id} justify="space-between" wrap="nowrap">
            <Group gap={6} wrap="nowrap">
              <Badge color={SEVERITY_COLOR[a.severity]} size="sm">
                {a.kind}
              </Badge>
              <Text size="sm">{a.text}</Text>
            </Group>
            {canEdit && (
              <Button
                size="compact-xs"
                variant="subtle"
                onClick={async () => {
                  const reason = await askReason(`Resolve the alert “${a.text}”?`, { label: 'Why is it resolved?', confirmLabel: 'Resolve' })
                  if (reason) resolve.mutate({ alertId: a.id, reason })
                }}
              >
                Resolve
              </Button>
            )}
          </Group>
        ))}
      </Stack>
      {adding && (
        <form
          onSubmit={(e) => {
            e.preventDefault()
            add.mutate({ patientId, text, kind: kind as PatientAlert['kind'], severity: severity as PatientAlert['severity'] })
          }}
        >
          <Stack mt="sm" gap="xs">
            <Group grow>
              <Select data={['allergy', 'behavior', 'medical', 'other']} value={kind} onChange={setKind} allowDeselect={false} aria-label="Kind" />
              <Select data={['info', 'warning', 'critical']} value={severity} onChange={setSeverity} allowDeselect={false} aria-label="Severity" />
            </Group>
            <TextInput placeholder="e.g. Penicillin allergy" value={text} onChange={(e) => setText(e.currentTarget.value)} error={fieldErrors(add.error).text} />
            <Button type="submit" size="xs" loading={add.isPending} w="fit-content">
              Save alert
            </Button>
          </Stack>
        </form>
      )}
    </Paper>
  )
}

/**
 * The weight card: typed in the clinic's unit and read by the core as typed ("1e5" is refused, not
 * guessed); an impossible weight is refused, an unusual one or a big change is saved on a yes.
 */
function Weights({ d }: { d: PatientDetail }) {
  const unit = useWeightUnit()
  const [value, setValue] = useState('')
  const record = useAction('patients.recordWeight', () => setValue(''))
  const problems = formProblems(record.error, ['weight'])
  const send = (confirm: boolean) => record.mutate({ patientId: d.patient.id, weight: { text: value, unit }, confirm })
  return (
    <Paper withBorder p="md">
      <Title order={4} mb="xs">
        Weight
      </Title>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          send(false)
        }}
      >
        <Group align="flex-start" mb="sm" wrap="nowrap">
          <TextInput
            placeholder="0.0"
            value={value}
            onChange={(e) => {
              setValue(e.currentTarget.value)
              if (record.error) record.reset()
            }}
            inputMode="decimal"
            w={260}
            aria-label={`Weight in ${unit}`}
            rightSection={<Text size="sm" c="dimmed">{unit}</Text>}
            error={problems.fields.weight}
            data-testid="weight-input"
          />
          <Button type="submit" variant="light" loading={record.isPending && !problems.needsConfirmation}>
            Record
          </Button>
        </Group>
        {problems.needsConfirmation ? (
          <FormAlerts problems={problems} yesLabel={`Yes, ${value.trim()} ${unit} is right`} onYes={() => send(true)} busy={record.isPending} />
        ) : (
          <FormAlerts problems={problems} yesLabel="" onYes={() => {}} />
        )}
      </form>
      {d.weights.length === 0 && <Text c="dimmed">No weights recorded.</Text>}
      <Table verticalSpacing={4}>
        <Table.Tbody>
          {d.weights.slice(0, 8).map((w, i) => {
            const prev = d.weights[i + 1]
            const change = prev ? ((w.weightKg - prev.weightKg) / prev.weightKg) * 100 : null
            return (
              <Table.Tr key={w.id}>
                <Table.Td>{date(w.measuredAt)}</Table.Td>
                <Table.Td fw={500}>{showWeight(w.weightKg, unit)}</Table.Td>
                <Table.Td>
                  {change !== null && Math.abs(change) >= 0.5 && (
                    <Text size="xs" c={Math.abs(change) >= 10 ? 'red' : 'dimmed'}>
                      {change > 0 ? '+' : ''}
                      {change.toFixed(1)}%
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="xs" c="dimmed">
                    {w.recordedBy}
                  </Text>
                </Table.Td>
              </Table.Tr>
            )
          })}
        </Table.Tbody>
      </Table>
    </Paper>
  )
}

function Notes({ d }: { d: PatientDetail }) {
  const me = useMe()
  const [writing, setWriting] = useState<ClinicalNote | 'new' | null>(null)
  const [showOld, setShowOld] = useState(false)
  const canWrite = CLINICAL.has(me.role)
  const current = d.notes.filter((n) => !n.superseded)
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="xs">
        <Title order={4}>Clinical notes</Title>
        <Group gap="xs">
          {d.notes.length > current.length && (
            <Button size="xs" variant="subtle" onClick={() => setShowOld(!showOld)}>
              {showOld ? 'Hide earlier versions' : 'Show earlier versions'}
            </Button>
          )}
          {canWrite && (
            <Button size="xs" onClick={() => setWriting('new')}>
              New note
            </Button>
          )}
        </Group>
      </Group>
      {current.length === 0 && <Text c="dimmed">No notes yet.</Text>}
      <Stack gap="sm">
        {(showOld ? d.notes : current).slice(0, 20).map((n) => (
          <Paper key={n.id} withBorder p="sm" bg={n.superseded ? 'gray.0' : undefined}>
            <Group justify="space-between">
              <Text size="xs" c="dimmed">
                {dateTime(n.createdAt)} · {n.authorName ?? 'unknown'} · {n.kind.toUpperCase()}
                {n.amendsId ? ' · amended' : ''}
                {n.superseded ? ' · superseded' : ''}
              </Text>
              {canWrite && !n.superseded && (
                <Button size="compact-xs" variant="subtle" onClick={() => setWriting(n)}>
                  Amend
                </Button>
              )}
            </Group>
            {(['subjective', 'objective', 'assessment', 'plan', 'body'] as const).map((k) =>
              n[k] ? (
                <Text key={k} size="sm">
                  {k !== 'body' && <b>{k[0].toUpperCase()}: </b>}
                  {n[k]}
                </Text>
              ) : null
            )}
          </Paper>
        ))}
      </Stack>
      {writing && <NoteModal patientId={d.patient.id} visitId={d.visits.find((v) => v.status === 'checked_in' || v.status === 'in_progress')?.id ?? null} amend={writing === 'new' ? null : writing} onClose={() => setWriting(null)} />}
    </Paper>
  )
}

const SOAP_FIELDS = ['subjective', 'objective', 'assessment', 'plan'] as const

function NoteModal({ patientId, visitId, amend, onClose }: { patientId: string; visitId: string | null; amend: ClinicalNote | null; onClose: () => void }) {
  const [s, setS] = useState(amend?.subjective ?? '')
  const [o, setO] = useState(amend?.objective ?? '')
  const [a, setA] = useState(amend?.assessment ?? '')
  const [p, setP] = useState(amend?.plan ?? '')
  const add = useAction('notes.add', onClose)
  const amendAction = useAction('notes.amend', onClose)
  const action = amend ? amendAction : add
  const errors = fieldErrors(action.error)
  return (
    <Modal opened onClose={onClose} title={amend ? 'Amend note (the original is kept)' : 'New SOAP note'} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          const body = { subjective: s, objective: o, assessment: a, plan: p }
          if (amend) amendAction.mutate({ noteId: amend.id, ...body })
          else add.mutate({ patientId, visitId, kind: 'soap', ...body })
        }}
      >
        <Stack>
          <Textarea label="Subjective" value={s} onChange={(e) => setS(e.currentTarget.value)} error={errors.subjective} autosize minRows={2} data-autofocus />
          <Textarea label="Objective" value={o} onChange={(e) => setO(e.currentTarget.value)} error={errors.objective} autosize minRows={2} />
          <Textarea label="Assessment" value={a} onChange={(e) => setA(e.currentTarget.value)} error={errors.assessment} autosize minRows={2} />
          <Textarea label="Plan" value={p} onChange={(e) => setP(e.currentTarget.value)} error={errors.plan} autosize minRows={2} />
          <FormProblems error={action.error} fields={SOAP_FIELDS} />
          <Group justify="flex-end">
            <Button type="submit" loading={action.isPending}>
              Save note
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}

function PatientHistory({ patientId }: { patientId: string }) {
  const entries = useCall('audit.list', { patientId, limit: 200 })
  if (entries.isLoading) return <Loader />
  return <AuditTable entries={entries.data ?? []} showPatient={false} />
}
