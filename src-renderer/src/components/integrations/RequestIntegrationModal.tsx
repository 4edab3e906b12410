import { useState } from 'react'
import { Alert, Badge, Button, Checkbox, Code, Group, Modal, Paper, Select, Spoiler, Stack, Switch, Table, Text, TextInput, Textarea, Title } from '@mantine/core'
import { REQUEST_SYSTEMS, REQUEST_WIRINGS, type DataCategory, type Integration, type IntegrationRequest, type IntegrationRequestForm, type IntegrationRequestPreview, type RequestSystem, type RequestWiring } from '../../../../src-preload/contract'
import { useAction, useCall } from '../../api/hooks'
import { dateTime } from '../../format'
import { fieldErrors } from '../forms'
import { FormProblems } from '../FormProblems'
import { CATEGORY_LABEL } from './labels'

const SYSTEM_LABEL: Record<RequestSystem, string> = {
  reference_lab: 'Reference lab',
  analyzer: 'In-house analyzer',
  imaging: 'Imaging equipment (X-ray, ultrasound, dental)',
  payments: 'Card terminal or payment service',
  other: 'Something else'
}

const WIRING_LABEL: Record<RequestWiring, string> = {
  serial: 'Serial cable (RS-232) to a PC',
  network: 'Clinic network (cable or Wi-Fi)',
  usb: 'USB to a PC',
  internet: 'Over the internet (a vendor’s service)',
  other: 'Not sure / other'
}

const FIELDS = ['system', 'vendor', 'model', 'wiring', 'wiringDetail', 'contactName', 'contactPhone', 'contactEmail', 'notes', 'sampleIds'] as const

type Form = Required<Omit<IntegrationRequestForm, 'wiringDetail' | 'contactPhone' | 'contactEmail' | 'notes'>> & { wiringDetail: string; contactPhone: string; contactEmail: string; notes: string }

const EMPTY: Form = { system: 'analyzer', vendor: '', model: '', wiring: 'serial', wiringDetail: '', contactName: '', contactPhone: '', contactEmail: '', notes: '', sampleIds: [], removeIdentity: true }

/**
 * "Request a new integration": what system, vendor, model and how it is wired, with sample
 * messages captured from it. Patient identity is removed by default, and the administrator
 * reviews exactly what will be sent before anything leaves; it goes only to the clinic's VetOS
 * support integration, through the consent gate, and waits while the desk cannot be reached.
 */
export function RequestIntegrationModal({ onClose }: { onClose: () => void }) {
  const [form, setForm] = useState<Form>(EMPTY)
  const [preview, setPreview] = useState<IntegrationRequestPreview | null>(null)
  const [sent, setSent] = useState<IntegrationRequest | null>(null)
  const requests = useCall('support.requests', { limit: 50 })
  // The request just sent, as it is now: queued, then sent with its ticket (live events refresh the list).
  const latest = sent ? (requests.data?.find((r) => r.id === sent.id) ?? sent) : null
  const review = useAction('support.requestPreview', setPreview)
  const send = useAction('support.requestSend', (r) => {
    setSent(r)
    setPreview(null)
    setForm(EMPTY)
  })
  const set = <K extends keyof Form>(k: K, v: Form[K]) => {
    setForm((f) => ({ ...f, [k]: v }))
    setSent(null)
  }
  const errors = fieldErrors(review.error)
  const toggleSample = (id: string, on: boolean) => set('sampleIds', on ? [...form.sampleIds, id] : form.sampleIds.filter((s) => s !== id))

  return (
    <Modal opened onClose={onClose} title="Request a new integration" size="70rem" data-testid="request-integration">
      <Stack>
        {!preview && (
          <form
            onSubmit={(e) => {
              e.preventDefault()
              review.mutate(form)
            }}
          >
            <Stack>
              <Text size="sm" c="dimmed">
                Tell VetOS support about a system that is not connected yet. They assess compatibility and set up the connection. Attach messages the device sent in capture mode so they can see its format; you review exactly what will be sent before anything leaves.
              </Text>
              <Group grow align="flex-start">
                <Select label="What kind of system" data={REQUEST_SYSTEMS.map((s) => ({ value: s, label: SYSTEM_LABEL[s] }))} value={form.system} onChange={(v) => v && set('system', v as RequestSystem)} allowDeselect={false} error={errors.system} data-testid="request-system" />
                <TextInput label="Vendor" withAsterisk placeholder="IDEXX, Heska, Zoetis…" value={form.vendor} onChange={(e) => set('vendor', e.currentTarget.value)} error={errors.vendor} data-testid="request-vendor" />
                <TextInput label="Model" withAsterisk placeholder="As printed on the device" value={form.model} onChange={(e) => set('model', e.currentTarget.value)} error={errors.model} data-testid="request-model" />
              </Group>
              <Group grow align="flex-start">
                <Select label="How it is wired" data={REQUEST_WIRINGS.map((w) => ({ value: w, label: WIRING_LABEL[w] }))} value={form.wiring} onChange={(v) => v && set('wiring', v as RequestWiring)} allowDeselect={false} error={errors.wiring} data-testid="request-wiring" />
                <TextInput label="Connection details" description="Port, address, which PC (optional)" value={form.wiringDetail} onChange={(e) => set('wiringDetail', e.currentTarget.value)} error={errors.wiringDetail} />
              </Group>
              <Group grow align="flex-start">
                <TextInput label="Who support should call" withAsterisk value={form.contactName} onChange={(e) => set('contactName', e.currentTarget.value)} error={errors.contactName} data-testid="request-contact" />
                <TextInput label="Phone" value={form.contactPhone} onChange={(e) => set('contactPhone', e.currentTarget.value)} error={errors.contactPhone} data-testid="request-phone" />
                <TextInput label="E-mail" value={form.contactEmail} onChange={(e) => set('contactEmail', e.currentTarget.value)} error={errors.contactEmail} />
              </Group>
              <Textarea label="Notes" description="What it should do with VetOS, anything support should know" autosize minRows={2} value={form.notes} onChange={(e) => set('notes', e.currentTarget.value)} error={errors.notes} />
              <CapturedSamples selected={form.sampleIds} onToggle={toggleSample} error={errors.sampleIds} />
              <Switch
                label="Remove patient identity"
                description={form.removeIdentity ? 'Names, ids, birth dates, addresses, phones and doctors are replaced by REMOVED; species, breed, sex, codes and values stay.' : 'The messages go exactly as the device sent them, with the patient’s and owner’s details. VetOS support must be approved for patient identity and owner contact.'}
                checked={form.removeIdentity}
                onChange={(e) => set('removeIdentity', e.currentTarget.checked)}
                data-testid="request-remove-identity"
              />
              <FormProblems error={review.error} fields={FIELDS} />
              <Group justify="flex-end">
                <Button type="submit" loading={review.isPending} data-testid="request-review">
                  Review what will be sent
                </Button>
              </Group>
            </Stack>
          </form>
        )}
        {preview && (
          <Review
            preview={preview}
            sending={send.isPending}
            error={send.error}
            onBack={() => {
              setPreview(null)
              send.reset()
            }}
            onSend={() => send.mutate({ ...form, hash: preview.hash })}
          />
        )}
        {latest && (
          <Alert color={latest.status === 'refused' || latest.status === 'failed' ? 'red' : latest.status === 'sent' ? 'teal' : 'blue'} data-testid="request-sent">
            {latest.status === 'queued' ? 'Queued: it will be sent when the support desk can be reached. Its ticket number shows here once support answers.' : statusText(latest)}
          </Alert>
        )}
        <RequestList list={requests.data ?? []} />
      </Stack>
    </Modal>
  )
}

/** Captured messages of every integration in capture mode, to tick. */
function CapturedSamples({ selected, onToggle, error }: { selected: string[]; onToggle: (id: string, on: boolean) => void; error?: string }) {
  const list = useCall('integrations.list', {})
  const capturing = (list.data ?? []).filter((i) => i.config.capture)
  return (
    <Stack gap="xs">
      <Text fw={500} size="sm">
        Sample messages
      </Text>
      {capturing.length === 0 && (
        <Text size="sm" c="dimmed">
          No integration is in capture mode. To attach what a device sends, set one up with capture mode on and let it send a few messages.
        </Text>
      )}
      {capturing.map((i) => (
        <IntegrationCaptures key={i.id} integration={i} selected={selected} onToggle={onToggle} />
      ))}
      {error && (
        <Text size="sm" c="red">
          {error}
        </Text>
      )}
    </Stack>
  )
}

function IntegrationCaptures({ integration, selected, onToggle }: { integration: Integration; selected: string[]; onToggle: (id: string, on: boolean) => void }) {
  const captures = useCall('integrations.captures', { integrationId: integration.id, limit: 20 })
  return (
    <Paper withBorder p="sm">
      <Text size="sm" fw={600}>
        {integration.name}
      </Text>
      {captures.error && <Alert color="red">{captures.error.message}</Alert>}
      {captures.data?.length === 0 && (
        <Text size="sm" c="dimmed">
          Nothing captured yet.
        </Text>
      )}
      <Stack gap={4} mt={4}>
        {(captures.data ?? []).map((c) => (
          <Checkbox
            key={c.id}
            checked={selected.includes(c.id)}
            onChange={(e) => onToggle(c.id, e.currentTarget.checked)}
            label={`${dateTime(c.receivedAt)} · ${c.messageType ?? c.transport} · from ${c.peer}`}
            data-testid="request-sample"
          />
        ))}
      </Stack>
    </Paper>
  )
}

/** Exactly what will leave, per sample, where it goes and what it needs approved. */
function Review({ preview, sending, error, onBack, onSend }: { preview: IntegrationRequestPreview; sending: boolean; error: Parameters<typeof FormProblems>[0]['error']; onBack: () => void; onSend: () => void }) {
  const d = preview.destination
  return (
    <Stack data-testid="request-preview">
      <Title order={4}>What will be sent</Title>
      {d ? (
        <Text size="sm">
          To <b>{d.name}</b>, through the consent gate, for: {preview.categories.map((c) => CATEGORY_LABEL[c as DataCategory] ?? c).join('; ')}.
          {!d.approved && (
            <Text span c="orange.8" data-testid="request-not-approved">
              {' '}It is not approved for {d.missing.map((c) => CATEGORY_LABEL[c as DataCategory] ?? c).join(' and ')} yet: sending will be refused until an administrator approves it for {d.missing.length === 1 ? 'that' : 'them'} (Integrations → Change approval).
            </Text>
          )}
        </Text>
      ) : (
        <Alert color="yellow" data-testid="request-no-destination">
          VetOS support is not set up on this workstation. An administrator adds “VetOS support” under Add integration, enters the support desk’s address and the clinic’s support key, and approves it for sample device messages.
        </Alert>
      )}
      {preview.samples.length === 0 && <Text size="sm" c="dimmed">No sample messages attached: only the form goes.</Text>}
      {preview.samples.map((s) => (
        <Paper key={s.captureId} withBorder p="sm" data-testid="request-sample-review">
          <Group justify="space-between">
            <Text size="sm" fw={600}>
              {s.integrationName} · {s.messageType ?? s.transport} · {dateTime(s.receivedAt)}
            </Text>
            {s.removed.length > 0 ? <Badge variant="light">Identity removed from {s.removed.length} {s.removed.length === 1 ? 'place' : 'places'}</Badge> : <Badge color="orange">Sent as received</Badge>}
          </Group>
          <Code block mt="xs" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', maxHeight: 320, overflow: 'auto' }} data-testid="request-sample-text">
            {s.text}
          </Code>
          {s.removed.length > 0 && (
            <Text size="xs" c="dimmed" mt={4}>
              Removed: {s.removed.join(', ')}
            </Text>
          )}
        </Paper>
      ))}
      <Spoiler maxHeight={0} showLabel="Show the exact bytes that will be sent" hideLabel="Hide">
        <Code block style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {preview.payload}
        </Code>
        <Text size="xs" c="dimmed">
          SHA-256 {preview.hash}
        </Text>
      </Spoiler>
      <FormProblems error={error} fields={[]} />
      <Group justify="flex-end">
        <Button variant="default" onClick={onBack}>
          Back
        </Button>
        <Button onClick={onSend} loading={sending} data-testid="request-send">
          Send to VetOS support
        </Button>
      </Group>
    </Stack>
  )
}

const STATUS_COLOR: Record<IntegrationRequest['status'], string> = { queued: 'blue', sent: 'teal', refused: 'red', failed: 'red' }

function statusText(r: IntegrationRequest): string {
  if (r.status === 'sent') return `Sent: support ticket ${r.ticket}`
  if (r.status === 'queued') return `Queued: will be sent when the support desk can be reached${r.lastError ? ` (last try: ${r.lastError})` : ''}`
  if (r.status === 'refused') return `Not sent: ${r.lastError ?? 'the consent gate refused it'}`
  return `The support desk refused it: ${r.lastError ?? 'no reason given'}`
}

function RequestList({ list }: { list: IntegrationRequest[] }) {
  if (!list.length) return null
  return (
    <Stack gap="xs">
      <Title order={4}>Requests sent from this workstation</Title>
      <Table data-testid="request-list">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>System</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Ticket</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {list.map((r) => (
            <Table.Tr key={r.id} data-testid="request-row">
              <Table.Td>{dateTime(r.createdAt)}</Table.Td>
              <Table.Td>
                {r.vendor} {r.model}
                <Text size="xs" c="dimmed">
                  {SYSTEM_LABEL[r.system]} · {r.sampleIds.length} {r.sampleIds.length === 1 ? 'sample' : 'samples'}
                  {r.sampleIds.length > 0 && (r.identityRemoved ? ', identity removed' : ', WITH patient identity')}
                </Text>
              </Table.Td>
              <Table.Td maw={360}>
                <Badge color={STATUS_COLOR[r.status]} variant="light">
                  {r.status}
                </Badge>
                <Text size="xs" c="dimmed" data-testid="request-status">
                  {statusText(r)}
                </Text>
              </Table.Td>
              <Table.Td data-testid="request-ticket">{r.ticket ?? '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  )
}
