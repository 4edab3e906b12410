import { useState } from 'react'
import { Alert, Button, Group, Loader, Paper, Select, Stack, Text, TextInput, Title } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { notifications } from '@mantine/notifications'
import { IconFileExport, IconSearch, IconShieldCheck } from '@tabler/icons-react'
import { useQueryClient } from '@tanstack/react-query'
import { useApi, useCall } from '../api/hooks'
import type { AuditVerifyResult, MethodInput } from '../../../src-preload/contract'
import { AuditTable } from '../components/AuditTable'
import { auditCsv, auditCsvName } from '../components/audit-csv'
import { downloadCsv } from '../components/billing-screen/csv'

const PAGE = 100

/** Every exchange and every change, newest first; the chain can be verified from here. */
export function AuditScreen() {
  const api = useApi()
  const qc = useQueryClient()
  const [patientQuery, setPatientQuery] = useState('')
  const [debouncedPatient] = useDebouncedValue(patientQuery.trim(), 200)
  const [patientId, setPatientId] = useState<string | null>(null)
  const [integrationId, setIntegrationId] = useState<string | null>(null)
  const [actorId, setActorId] = useState<string | null>(null)
  const [direction, setDirection] = useState<string | null>(null)
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const [text, setText] = useState('')
  const [search] = useDebouncedValue(text.trim(), 300)
  const [action, setAction] = useState<string | null>(null)
  const [beforeSeq, setBeforeSeq] = useState<number[]>([])
  const [verify, setVerify] = useState<AuditVerifyResult | null>(null)
  const [exporting, setExporting] = useState(false)

  const patients = useCall('patients.search', { query: debouncedPatient, limit: 10 }, { enabled: debouncedPatient.length > 0 })
  const integrations = useCall('integrations.list', {})
  const staff = useCall('staff.list', {})
  const actions = useCall('audit.actions', {})
  // The filter without paging is what an export takes: every matching entry, not the page shown.
  const matching: MethodInput<'audit.export'> = {
    ...(search ? { search } : {}),
    ...(action ? { action } : {}),
    ...(patientId ? { patientId } : {}),
    ...(integrationId ? { integrationId } : {}),
    ...(actorId ? { actorId } : {}),
    ...(direction ? { direction: direction as 'inbound' | 'outbound' | 'internal' } : {}),
    ...(from ? { from: new Date(from).toISOString() } : {}),
    ...(to ? { to: new Date(to).toISOString() } : {})
  }
  const filter: MethodInput<'audit.list'> = { ...matching, limit: PAGE, ...(beforeSeq.length ? { beforeSeq: beforeSeq[beforeSeq.length - 1] } : {}) }
  const entries = useCall('audit.list', filter)
  const rows = entries.data ?? []
  const reset = () => setBeforeSeq([])

  const runExport = async () => {
    setExporting(true)
    try {
      const out = await api.call('audit.export', matching)
      downloadCsv(auditCsvName(new Date(), action), auditCsv(out.entries))
      notifications.show(
        out.truncated
          ? { color: 'orange', title: 'Export cut short', message: `More than ${out.maxRows.toLocaleString()} entries match: the file holds the newest ${out.maxRows.toLocaleString()}. Narrow the filter (a time range) and export the rest.` }
          : { color: 'teal', title: 'Audit log exported', message: `${out.entries.length.toLocaleString()} ${out.entries.length === 1 ? 'entry' : 'entries'} saved as CSV. The export is recorded in the log.` }
      )
    } catch (e) {
      notifications.show({ color: 'red', title: 'Export failed', message: (e as Error).message })
    } finally {
      setExporting(false)
    }
  }

  const runVerify = async () => {
    setVerify(await api.call('audit.verify', {}))
    void qc.invalidateQueries({ queryKey: ['audit.list'] })
  }

  return (
    <Stack maw={1400}>
      <Group justify="space-between">
        <Title order={2}>Audit Log</Title>
        <Button leftSection={<IconShieldCheck size={16} />} variant="light" onClick={runVerify} data-testid="audit-verify">
          Verify chain
        </Button>
      </Group>
      {verify &&
        (verify.ok ? (
          <Alert color="green" title="Audit log intact" withCloseButton onClose={() => setVerify(null)}>
            All {verify.checked} entries link to the one before them and match their hashes.
          </Alert>
        ) : (
          <Alert color="red" title={`Audit log broken at entry ${verify.firstBroken?.seq}`} withCloseButton onClose={() => setVerify(null)}>
            {verify.firstBroken?.reason}. {verify.checked} entries before it verified.
          </Alert>
        ))}
      <Paper withBorder p="sm">
        <Group align="flex-end" gap="sm" mb="sm">
          <TextInput
            label="Search"
            placeholder="Who, action, what, details, patient or client name"
            leftSection={<IconSearch size={16} />}
            style={{ flex: 1 }}
            miw={260}
            value={text}
            onChange={(e) => (setText(e.currentTarget.value), reset())}
            data-testid="audit-search"
          />
          <Select
            label="Action"
            placeholder="Any action"
            searchable
            clearable
            w={240}
            data={actions.data ?? []}
            value={action}
            onChange={(v) => (setAction(v), reset())}
            nothingFoundMessage="No such action in the log"
            data-testid="audit-action"
          />
          <Button leftSection={<IconFileExport size={16} />} variant="default" onClick={runExport} loading={exporting} data-testid="audit-export">
            Export CSV
          </Button>
        </Group>
        <Group align="flex-end" gap="sm">
          <Select
            label="Patient"
            placeholder="Search a patient"
            searchable
            clearable
            w={170}
            searchValue={patientQuery}
            onSearchChange={setPatientQuery}
            data={(patients.data ?? []).map((p) => ({ value: p.id, label: `${p.name} (${p.ownerName})` }))}
            value={patientId}
            onChange={(v) => (setPatientId(v), reset())}
            filter={({ options }) => options}
          />
          <Select label="Integration" clearable w={170} data={(integrations.data ?? []).map((i) => ({ value: i.id, label: i.name }))} value={integrationId} onChange={(v) => (setIntegrationId(v), reset())} />
          <Select label="User" clearable w={160} data={(staff.data ?? []).map((s) => ({ value: s.id, label: s.displayName }))} value={actorId} onChange={(v) => (setActorId(v), reset())} />
          <Select label="Direction" clearable w={120} data={['inbound', 'outbound', 'internal']} value={direction} onChange={(v) => (setDirection(v), reset())} />
          <TextInput label="From" w={190} type="datetime-local" value={from} onChange={(e) => (setFrom(e.currentTarget.value), reset())} />
          <TextInput label="To" w={190} type="datetime-local" value={to} onChange={(e) => (setTo(e.currentTarget.value), reset())} />
        </Group>
      </Paper>
      {entries.error && <Alert color="red">{entries.error.message}</Alert>}
      {/* data-search: the search the list and the export apply now (typing is debounced) */}
      <Paper withBorder p="xs" data-testid="audit-results" data-search={search}>{entries.isLoading ? <Loader /> : <AuditTable entries={rows} />}</Paper>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {rows.length ? `Entries ${rows[rows.length - 1].seq}–${rows[0].seq}` : ''}
        </Text>
        <Group>
          <Button variant="default" disabled={beforeSeq.length === 0} onClick={() => setBeforeSeq(beforeSeq.slice(0, -1))}>
            Newer
          </Button>
          <Button variant="default" disabled={rows.length < PAGE} onClick={() => setBeforeSeq([...beforeSeq, rows[rows.length - 1].seq])}>
            Older
          </Button>
        </Group>
      </Group>
    </Stack>
  )
}
