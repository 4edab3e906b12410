import { useState } from 'react'
import { Alert, Anchor, Badge, Button, Code, Grid, Group, List, Loader, Paper, ScrollArea, Stack, Switch, Table, Text, Title, UnstyledButton } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { keepPreviousData } from '@tanstack/react-query'
import { Link, useParams } from 'react-router-dom'
import { LabProfile, type CapturedMessage, type CapturePreview, type Integration, type PreviewReport } from '../../../src-preload/contract'
import { useAction, useCall } from '../api/hooks'
import { useMe } from '../App'
import { dateTime } from '../format'
import { fieldErrors } from '../components/forms'
import { FormProblems } from '../components/FormProblems'
import { IdentityCodesForm, LabProfileForm, completeProfile, profileErrors } from '../components/LabProfileForm'
import { KIND_LABEL } from '../components/integrations/labels'

const DEVICE: Record<string, string> = { reference_lab: 'lab', analyzer: 'analyzer', imaging: 'modality' }

/**
 * Onboarding a device nobody has profiled: what it sent while in capture mode, field by field; its
 * profile in the guided form; and, live, how each captured message would be read and matched with
 * that profile. Saving keeps capturing, or ends capture mode so results file from then on.
 */
export function IntegrationCaptureScreen() {
  const { id = '' } = useParams()
  const me = useMe()
  const list = useCall('integrations.list', {})
  const integration = list.data?.find((i) => i.id === id)
  if (me.role !== 'admin') return <Alert color="yellow">Only an administrator reads what a device sent and builds its profile.</Alert>
  if (list.isLoading) return <Loader />
  if (!integration) return <Alert color="red">This integration does not exist (any more).</Alert>
  return <Capture key={integration.id} integration={integration} />
}

function Capture({ integration }: { integration: Integration }) {
  const device = DEVICE[integration.kind] ?? 'device'
  const lab = integration.kind === 'reference_lab' || integration.kind === 'analyzer'
  const imaging = integration.kind === 'imaging'
  const [profile, setProfile] = useState<LabProfile>(() => completeProfile(integration.config.lab))
  // The fields are labelled as the profile in the form reads them (a species field moved, a layout of its own), once it is valid.
  const [draft] = useDebouncedValue(profile, 300)
  const labelledBy = LabProfile.safeParse(draft).success ? draft : undefined
  const captures = useCall('integrations.captures', { integrationId: integration.id, limit: 50, profile: labelledBy }, { placeholderData: keepPreviousData })
  const messages = captures.data ?? []
  const [selectedId, setSelectedId] = useState<string | null>(null)
  const selected = messages.find((m) => m.id === selectedId) ?? messages[0] ?? null
  const [jsonError, setJsonError] = useState<string | null>(null)
  const [saved, setSaved] = useState<string | null>(null)
  const save = useAction('integrations.update')
  const errors = fieldErrors(save.error)
  const capturing = integration.config.capture === true

  const store = (capture: boolean) => {
    setSaved(null)
    save.mutate(
      { id: integration.id, config: { ...integration.config, lab: profile, capture } },
      { onSuccess: () => setSaved(capture ? 'Profile saved. Capture mode is still on: nothing is filed yet.' : capturing ? `Profile saved and capture mode ended: from now on what ${integration.name} sends is read with this profile and filed by the matching rule.` : `Profile saved: what ${integration.name} sends from now on is read with it.`) }
    )
  }

  return (
    <Stack maw={1500} data-testid="capture-screen">
      <Group justify="space-between" align="flex-end">
        <div>
          <Anchor component={Link} to="/integrations" size="sm">
            ← Integrations
          </Anchor>
          <Title order={2}>Capture: {integration.name}</Title>
          <Text size="sm" c="dimmed">
            {KIND_LABEL[integration.kind]}
          </Text>
        </div>
        <Badge size="lg" color={capturing ? 'grape' : 'gray'} variant="light" data-testid="capture-state">
          {capturing ? 'capture mode on' : 'capture mode off'}
        </Badge>
      </Group>
      <Alert color={capturing ? 'grape' : 'gray'} variant="light">
        {capturing
          ? `VetOS records what this ${device} sends and shows it here. Nothing is filed to a patient, and nothing is answered with patient data (orders and worklists wait). Connect the ${device}, run a sample or two with known patients, then build its profile on the right.`
          : `Capture mode is off: what this ${device} sends is filed. The messages captured earlier stay here to check the profile against.`}
      </Alert>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack gap="sm">
            <Paper withBorder p="sm">
              <Text fw={600} mb={4}>
                Captured messages ({messages.length})
              </Text>
              {captures.error && <Text c="red">{captures.error.message}</Text>}
              {messages.length === 0 && !captures.isLoading && (
                <Text c="dimmed" size="sm" data-testid="capture-empty">
                  Nothing yet. This list fills by itself as the {device} sends.
                </Text>
              )}
              <ScrollArea.Autosize mah={220}>
                <Stack gap={2}>
                  {messages.map((m) => (
                    <UnstyledButton key={m.id} onClick={() => setSelectedId(m.id)} data-testid="captured-message" data-selected={m.id === selected?.id} p={6} style={{ borderRadius: 4, background: m.id === selected?.id ? 'var(--mantine-color-grape-light)' : undefined }}>
                      <Group justify="space-between" wrap="nowrap">
                        <Text size="sm" fw={600}>
                          {m.messageType ?? m.transport.toUpperCase()}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {dateTime(m.receivedAt)} · {m.peer}
                        </Text>
                      </Group>
                    </UnstyledButton>
                  ))}
                </Stack>
              </ScrollArea.Autosize>
            </Paper>
            {selected && <Fields message={selected} />}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="sm">
            {lab || imaging ? (
              <Paper withBorder p="sm">
                {lab ? (
                  <LabProfileForm value={profile} onChange={setProfile} kind={integration.kind} errors={profileErrors(errors, 'config.lab')} onJsonError={setJsonError} />
                ) : (
                  <Stack gap={4}>
                    <Title order={5}>Modality profile</Title>
                    <Text size="xs" c="dimmed">
                      How this modality writes species (0010,2201) and sex (0010,0040). VetOS reads them with these codes first, then DICOM’s own; a blank code reads the plain name.
                    </Text>
                    <IdentityCodesForm value={profile} set={(k, v) => setProfile({ ...profile, [k]: v })} errors={profileErrors(errors, 'config.lab')} />
                  </Stack>
                )}
                {lab && <SeenCodes messages={messages} profile={profile} onChange={setProfile} />}
                <FormProblems error={save.error} fields={Object.keys(errors).filter((k) => k.startsWith('config.lab'))} />
                {saved && (
                  <Alert color="teal" mt="sm" data-testid="capture-saved">
                    {saved}
                  </Alert>
                )}
                <Group justify="flex-end" mt="sm">
                  {/* Once capture mode is off, saving never turns it back on: that is Configure's switch. */}
                  {capturing && (
                    <Button variant="default" onClick={() => store(true)} loading={save.isPending} disabled={!!jsonError} data-testid="capture-save">
                      Save profile, keep capturing
                    </Button>
                  )}
                  <Button onClick={() => store(false)} loading={save.isPending} disabled={!!jsonError} data-testid="capture-finish">
                    {capturing ? `Save and start filing ${imaging ? 'images' : 'results'}` : 'Save profile'}
                  </Button>
                </Group>
              </Paper>
            ) : (
              <Alert color="gray">This kind of integration has no profile to build here; what it sent is on the left, field by field.</Alert>
            )}
            {(lab || imaging) && <Preview integrationId={integration.id} profile={profile} number={imaging ? 'accession' : 'order'} />}
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  )
}

/** One captured message, field by field, with what VetOS reads at each place; or as it came. */
function Fields({ message }: { message: CapturedMessage }) {
  const [raw, setRaw] = useState(false)
  return (
    <Paper withBorder p="sm" data-testid="captured-fields">
      <Group justify="space-between" mb={4}>
        <Text fw={600}>
          {message.messageType ?? 'Message'} from {message.peer}
        </Text>
        <Switch size="xs" label="As received" checked={raw} onChange={(e) => setRaw(e.currentTarget.checked)} />
      </Group>
      {message.problem && (
        <Alert color="orange" mb="xs">
          Cannot be read field by field: {message.problem}
        </Alert>
      )}
      {raw || message.parts.length === 0 ? (
        <Code block style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', maxHeight: 420, overflow: 'auto' }}>
          {message.text}
        </Code>
      ) : (
        <ScrollArea.Autosize mah={460}>
          <Table striped withRowBorders={false} verticalSpacing={2} fz="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={90}>Field</Table.Th>
                <Table.Th>Value</Table.Th>
                <Table.Th>VetOS reads it as</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {message.parts.flatMap((p, k) => [
                <Table.Tr key={`${k}`}>
                  <Table.Td colSpan={3}>
                    <Text size="xs" fw={700} c="dimmed">
                      {p.name}
                    </Text>
                  </Table.Td>
                </Table.Tr>,
                ...p.fields.map((f, j) => (
                  <Table.Tr key={`${k}-${j}`} data-testid="captured-field" data-position={f.position}>
                    <Table.Td ff="monospace">
                      {f.position}
                      {f.name && (
                        <Text size="xs" c="dimmed" ff="sans-serif">
                          {f.name}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                      {f.value.length > 120 ? `${f.value.slice(0, 120)}… (${f.value.length} characters)` : f.value}
                    </Table.Td>
                    <Table.Td c={f.label ? undefined : 'dimmed'}>{f.label ?? '—'}</Table.Td>
                  </Table.Tr>
                ))
              ])}
            </Table.Tbody>
          </Table>
        </ScrollArea.Autosize>
      )}
    </Paper>
  )
}

/** Result codes the device sent that the profile does not map yet: one click adds each to the code map. */
function SeenCodes({ messages, profile, onChange }: { messages: CapturedMessage[]; profile: LabProfile; onChange: (p: LabProfile) => void }) {
  const seen = new Map<string, string>()
  for (const m of messages)
    for (const p of m.parts)
      for (const f of p.fields) {
        // HL7 OBX-3 code and name; ASTM R-3 component 4 (the standard's place).
        if (f.position === 'OBX-3.1' && !seen.has(f.value)) seen.set(f.value, p.fields.find((x) => x.position === 'OBX-3.2')?.value ?? f.value)
        if (f.position === 'R-3.4' && !seen.has(f.value)) seen.set(f.value, f.value)
      }
  const known = new Set([...Object.keys(profile.codeMap ?? {}), ...profile.catalog.map((t) => t.code)])
  const open = [...seen].filter(([code]) => !known.has(code))
  if (open.length === 0) return null
  return (
    <Alert color="blue" variant="light" mt="sm" title="Result codes in the captures that the profile does not map" data-testid="seen-codes">
      <Group gap={6}>
        {open.map(([code, name]) => (
          <Button key={code} size="compact-xs" variant="light" onClick={() => onChange({ ...profile, codeMap: { ...profile.codeMap, [code]: { code, name } } })} data-testid={`seen-code-${code}`}>
            + {code}
            {name !== code ? ` (${name})` : ''}
          </Button>
        ))}
      </Group>
      <Text size="xs" mt={4}>
        Added as they are; then give each the clinic’s own code and name in Result codes.
      </Text>
    </Alert>
  )
}

/** How each captured message would be read and matched with the profile as it is in the form now (nothing saved). */
function Preview({ integrationId, profile, number }: { integrationId: string; profile: LabProfile; number: string }) {
  const [draft] = useDebouncedValue(profile, 300)
  const preview = useCall('integrations.capturePreview', { integrationId, profile: draft, limit: 20 }, { placeholderData: keepPreviousData })
  return (
    <Paper withBorder p="sm" data-testid="capture-preview">
      <Group justify="space-between" mb={4}>
        <Text fw={600}>Preview: the captured messages read with this profile</Text>
        {preview.isFetching && <Loader size="xs" />}
      </Group>
      <Text size="xs" c="dimmed" mb="xs">
        Live, as you edit; nothing is saved or filed. “Would attach” means the matching rule would file it to that patient by itself: our order number for an open order, and every identifier agreeing.
      </Text>
      {preview.error && <Alert color="red">{preview.error.message}</Alert>}
      {(preview.data ?? []).length === 0 && !preview.isLoading && <Text c="dimmed" size="sm">No captured message to preview yet.</Text>}
      <Stack gap="sm">
        {(preview.data ?? []).map((m) => (
          <PreviewMessage key={m.messageId} m={m} number={number} />
        ))}
      </Stack>
    </Paper>
  )
}

function PreviewMessage({ m, number }: { m: CapturePreview; number: string }) {
  return (
    <Paper withBorder p="xs" data-testid="preview-message">
      <Text size="sm" fw={600}>
        {m.messageType ?? 'Message'} · {dateTime(m.receivedAt)}
      </Text>
      {m.problem && (
        <Text size="sm" c="red" data-testid="preview-problem">
          Cannot be read with this profile: {m.problem}
        </Text>
      )}
      {m.note && (
        <Text size="sm" c="dimmed">
          {m.note}
        </Text>
      )}
      {m.reports.map((r, k) => (
        <PreviewResultBlock key={k} r={r} number={number} />
      ))}
    </Paper>
  )
}

function PreviewResultBlock({ r, number }: { r: PreviewReport; number: string }) {
  const attach = r.match.outcome === 'attach'
  return (
    <Stack gap={4} mt={6} data-testid="preview-report" data-outcome={r.match.outcome}>
      <Group gap="xs">
        <Badge color={attach ? 'teal' : 'orange'} variant="light">
          {attach ? `Would attach to ${r.match.patientName}` : 'Would go to review'}
        </Badge>
        <Text size="xs" c="dimmed">
          {r.title ?? 'result'} · {number} {r.orderNumber ?? 'none'}
        </Text>
      </Group>
      {!attach && (
        <List size="xs" c="orange.8">
          {r.match.reasons.map((why) => (
            <List.Item key={why}>{why}</List.Item>
          ))}
        </List>
      )}
      <Group gap={6}>
        {r.identifiers.map((i) => (
          <Badge key={i.what} size="sm" variant="outline" color={i.reads === null ? 'red' : 'gray'} tt="none" data-testid="preview-identifier">
            {i.what}: {i.sent}
            {i.reads !== null && i.reads !== i.sent ? ` → ${i.reads}` : ''}
            {i.reads === null ? ' (not understood)' : ''}
          </Badge>
        ))}
      </Group>
      {r.results.length > 0 && (
        <Table fz="xs" verticalSpacing={1} withRowBorders={false}>
          <Table.Tbody>
            {r.results.map((x, k) => (
              <Table.Tr key={k} data-testid="preview-result">
                <Table.Td ff="monospace" w={90}>
                  {x.sent}
                </Table.Td>
                <Table.Td c={x.mapped ? undefined : 'orange.8'}>
                  {x.mapped ? `${x.code} · ${x.name}` : `${x.name} (not mapped: filed under ${x.code})`}
                </Table.Td>
                <Table.Td>
                  {x.value} {x.units ?? ''} {x.flag && x.flag !== 'N' ? x.flag : ''}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  )
}
