import { useMemo, useState } from 'react'
import { Alert, Badge, Button, Checkbox, Group, Modal, Paper, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput, Textarea, Timeline, Title } from '@mantine/core'
import { IconFileTypePdf, IconPrinter } from '@tabler/icons-react'
import type { LabOrder, LabReport } from '../../../src-preload/contract'
import { useAction, useApi, useCall } from '../api/hooks'
import { useMe } from '../App'
import { LabValues, isAbnormalFlag, isCriticalFlag } from '../components/LabValues'
import { TrendChart } from '../components/TrendChart'
import { fieldErrors } from '../components/forms'
import { askReason } from '../prompt'
import { dateTime } from '../format'
import { openPrintable } from '../print'
import { LINKED_STYLE, useLinkedItem } from '../components/focus'
import { FormProblems } from '../components/FormProblems'

const CLINICAL = new Set(['veterinarian', 'technician', 'admin'])

export const ORDER_STATUS: Record<string, { label: string; color: string }> = {
  queued: { label: 'Queued', color: 'gray' },
  sent: { label: 'Sent', color: 'blue' },
  accepted: { label: 'Accepted by lab', color: 'blue' },
  in_progress: { label: 'In progress', color: 'cyan' },
  preliminary: { label: 'Preliminary results', color: 'yellow' },
  final: { label: 'Final results', color: 'green' },
  reviewed: { label: 'Reviewed', color: 'teal' },
  cancel_requested: { label: 'Cancel sent', color: 'orange' },
  cancelled: { label: 'Cancelled', color: 'gray' },
  rejected: { label: 'Rejected by lab', color: 'red' },
  error: { label: 'Not sent', color: 'red' },
  waiting: { label: 'Waiting for the link', color: 'orange' },
  corrected: { label: 'Corrected results', color: 'blue' },
  cancel_refused: { label: 'Cancel refused', color: 'red' }
}

/** The patient's Lab Orders tab: order, follow each order's life, read results and trends. */
export function PatientLabs({ patientId, visitId }: { patientId: string; visitId: string | null }) {
  const me = useMe()
  const orders = useCall('labs.orders', { patientId })
  const results = useCall('labs.results', { patientId })
  const [ordering, setOrdering] = useState(false)
  const [trend, setTrend] = useState<{ code: string; name: string } | null>(null)
  const byOrder = useMemo(() => {
    const m = new Map<string, LabReport[]>()
    for (const r of results.data ?? []) m.set(r.orderId ?? 'none', [...(m.get(r.orderId ?? 'none') ?? []), r])
    return m
  }, [results.data])
  const unlinked = byOrder.get('none') ?? []

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={4}>Lab orders and results</Title>
        {CLINICAL.has(me.role) && <Button onClick={() => setOrdering(true)}>New lab order</Button>}
      </Group>
      {trend && (
        <Paper withBorder p="md">
          <Group justify="space-between" mb="xs">
            <Text fw={600}>{trend.name} over time</Text>
            <Button size="xs" variant="subtle" onClick={() => setTrend(null)}>
              Close
            </Button>
          </Group>
          <TrendChart patientId={patientId} code={trend.code} name={trend.name} />
        </Paper>
      )}
      {(orders.data ?? []).length === 0 && unlinked.length === 0 && <Text c="dimmed">No lab orders yet.</Text>}
      {(orders.data ?? []).map((o) => (
        <OrderCard key={o.id} order={o} reports={byOrder.get(o.id) ?? []} onTrend={(code, name) => setTrend({ code, name })} />
      ))}
      {unlinked.map((r) => (
        <Paper key={r.id} withBorder p="md">
          <ReportBlock report={r} onTrend={(code, name) => setTrend({ code, name })} />
        </Paper>
      ))}
      {ordering && <OrderModal patientId={patientId} visitId={visitId} onClose={() => setOrdering(false)} />}
    </Stack>
  )
}

function OrderCard({ order, reports, onTrend }: { order: LabOrder; reports: LabReport[]; onTrend: (code: string, name: string) => void }) {
  const me = useMe()
  const [showTimeline, setShowTimeline] = useState(false)
  const cancel = useAction('labs.cancelOrder')
  const resubmit = useAction('labs.resubmitOrder')
  const reviewed = useAction('labs.markReviewed')
  const s = ORDER_STATUS[order.status] ?? { label: order.status, color: 'gray' }
  const values = reports.flatMap((r) => r.observations.filter((o) => !o.superseded))
  const critical = values.some((v) => isCriticalFlag(v.flag))
  const abnormal = values.filter((v) => isAbnormalFlag(v.flag)).length
  const clinical = CLINICAL.has(me.role)
  const error = cancel.error ?? resubmit.error ?? reviewed.error
  const linked = useLinkedItem<HTMLDivElement>('order', order.id)
  return (
    <Paper ref={linked.ref} withBorder p="md" data-testid="lab-order" data-order-id={order.id} data-focused={linked.focused} style={{ ...(critical ? { borderColor: 'var(--mantine-color-red-6)' } : {}), ...(linked.focused ? LINKED_STYLE : {}) }}>
      <Group justify="space-between" align="flex-start">
        <div>
          <Group gap="xs">
            <Text fw={600}>{order.tests.map((t) => t.name).join(', ')}</Text>
            {order.priority === 'stat' && <Badge color="red">STAT</Badge>}
            <Badge color={s.color} variant="light" data-testid="order-status">
              {s.label}
            </Badge>
            {critical && <Badge color="red">critical values</Badge>}
            {!critical && abnormal > 0 && <Badge color="orange" variant="light">{abnormal} abnormal</Badge>}
          </Group>
          <Text size="xs" c="dimmed">
            {order.orderNumber} · {order.integrationName} · ordered by {order.orderedByName ?? 'unknown'} {dateTime(order.createdAt)}
            {order.specimen ? ` · ${order.specimen}` : ''}
          </Text>
          {order.statusDetail && (order.status === 'error' || order.status === 'rejected') && (
            <Text size="sm" c="red">
              {order.statusDetail}
            </Text>
          )}
        </div>
        <Group gap={4}>
          <Button size="compact-sm" variant="subtle" onClick={() => setShowTimeline(!showTimeline)}>
            {showTimeline ? 'Hide timeline' : 'Timeline'}
          </Button>
          {clinical && (order.status === 'error' || order.status === 'rejected') && (
            <Button size="compact-sm" variant="light" onClick={() => resubmit.mutate({ orderId: order.id })}>
              Resubmit
            </Button>
          )}
          {(me.role === 'veterinarian' || me.role === 'admin') && order.status === 'final' && (
            <Button size="compact-sm" onClick={() => reviewed.mutate({ orderId: order.id })}>
              Mark reviewed
            </Button>
          )}
          {clinical && !['cancelled', 'cancel_requested', 'final', 'reviewed', 'rejected'].includes(order.status) && (
            <Button
              size="compact-sm"
              variant="subtle"
              color="red"
              onClick={async () => {
                const reason = await askReason(`Cancel lab order ${order.orderNumber}?`, { description: 'An order already sent is cancelled at the lab too. Your reason goes in the audit log.', confirmLabel: 'Cancel order', dismissLabel: 'Keep it', danger: true })
                if (reason) cancel.mutate({ orderId: order.id, reason })
              }}
            >
              Cancel
            </Button>
          )}
        </Group>
      </Group>
      {error && (
        <Alert color="red" mt="xs">
          {error.message}
        </Alert>
      )}
      {showTimeline && (
        <Timeline mt="sm" bulletSize={14} lineWidth={2} active={order.timeline.length - 1} data-testid="order-timeline">
          {order.timeline.map((e, i) => (
            <Timeline.Item key={i} title={ORDER_STATUS[e.status]?.label ?? e.status}>
              <Text size="xs" c="dimmed">
                {dateTime(e.occurredAt)}
                {e.actorName ? ` · ${e.actorName}` : ''}
              </Text>
              {e.detail && <Text size="sm">{e.detail}</Text>}
            </Timeline.Item>
          ))}
        </Timeline>
      )}
      {reports.map((r) => (
        <ReportBlock key={r.id} report={r} onTrend={onTrend} />
      ))}
    </Paper>
  )
}

function ReportBlock({ report, onTrend }: { report: LabReport; onTrend: (code: string, name: string) => void }) {
  const [history, setHistory] = useState(false)
  const hasHistory = report.observations.some((o) => o.superseded)
  // Every value was replaced (a preliminary report after the final one came): one line, opened on request.
  if (report.observations.length > 0 && report.observations.every((o) => o.superseded) && !history) {
    return (
      <Group gap="xs" mt="xs">
        <Text size="xs" c="dimmed">
          {report.status === 'P' ? 'Preliminary' : 'Earlier'} {report.title ?? 'results'} of {dateTime(report.observedAt ?? report.receivedAt)}, since replaced
        </Text>
        <Button size="compact-xs" variant="subtle" onClick={() => setHistory(true)}>
          Show
        </Button>
      </Group>
    )
  }
  return (
    <Stack gap={4} mt="sm">
      <Group justify="space-between">
        <Text size="sm" fw={600}>
          {report.title ?? 'Results'}{' '}
          <Text span size="xs" c="dimmed" fw={400}>
            {report.integrationName} · {dateTime(report.observedAt ?? report.receivedAt)} · {report.attachedAutomatically ? 'attached automatically' : `attached by ${report.attachedBy}`}
          </Text>
        </Text>
        <Group gap={4}>
          {hasHistory && (
            <Button size="compact-xs" variant="subtle" onClick={() => setHistory(!history)}>
              {history ? 'Hide replaced values' : 'Show replaced values'}
            </Button>
          )}
          <Button size="compact-xs" variant="subtle" leftSection={<IconPrinter size={14} />} onClick={() => openPrintable(`/reports/${report.id}`)} data-testid="report-print">
            Print
          </Button>
        </Group>
      </Group>
      {report.observations.length > 0 && <LabValues observations={report.observations} onTrend={onTrend} showHistory={history} />}
      <ReportDocuments documents={report.documents} />
    </Stack>
  )
}

/** The lab's own report (an embedded PDF) beside the values: a document of the record, opened in a window of its own. */
function ReportDocuments({ documents }: { documents: LabReport['documents'] }) {
  const api = useApi()
  if (documents.length === 0) return null
  return (
    <Group gap="xs">
      {documents.map((d) => {
        const href = api.mediaUrl(`/media/documents/${d.id}`)
        return (
          <Button key={d.id} size="compact-xs" variant="light" component="a" href={href} target="_blank" rel="noopener" leftSection={<IconFileTypePdf size={14} />} data-testid="report-document">
            {d.title}
          </Button>
        )
      })}
    </Group>
  )
}

function OrderModal({ patientId, visitId, onClose }: { patientId: string; visitId: string | null; onClose: () => void }) {
  const catalog = useCall('labs.catalog', {})
  const labs = catalog.data ?? []
  const [integrationId, setIntegrationId] = useState<string | null>(null)
  const lab = labs.find((l) => l.integrationId === integrationId) ?? null
  const [tests, setTests] = useState<string[]>([])
  const [priority, setPriority] = useState<'routine' | 'stat'>('routine')
  const [specimen, setSpecimen] = useState('')
  const [note, setNote] = useState('')
  const place = useAction('labs.placeOrder', onClose)
  const errors = fieldErrors(place.error)
  const chosenSpecimens = [...new Set(lab?.tests.filter((t) => tests.includes(t.code)).map((t) => t.specimen).filter(Boolean))]
  return (
    <Modal opened onClose={onClose} title="New lab order" size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          if (integrationId) place.mutate({ patientId, visitId, integrationId, tests, priority, specimen: specimen || chosenSpecimens.join(', ') || null, note })
        }}
      >
        <Stack>
          <Select
            label="Lab or analyzer"
            placeholder="Choose"
            data={labs.map((l) => ({ value: l.integrationId, label: `${l.integrationName}${l.approved ? '' : ' (not approved to receive orders)'}`, disabled: !l.approved }))}
            value={integrationId}
            onChange={(v) => (setIntegrationId(v), setTests([]))}
            data-testid="order-lab"
          />
          {labs.length === 0 && <Alert color="yellow">No lab or analyzer is configured. An administrator adds one under Integrations.</Alert>}
          {lab && (
            <Checkbox.Group label="Tests" value={tests} onChange={setTests} error={errors.tests}>
              <SimpleGrid cols={2} mt="xs">
                {lab.tests.map((t) => (
                  <Checkbox key={t.code} value={t.code} label={`${t.name}${t.kind === 'panel' ? ' (panel)' : ''}`} description={t.specimen} />
                ))}
              </SimpleGrid>
            </Checkbox.Group>
          )}
          <Group grow align="flex-end">
            <TextInput label="Specimen" placeholder={chosenSpecimens.join(', ') || 'e.g. Serum'} value={specimen} onChange={(e) => setSpecimen(e.currentTarget.value)} />
            <SegmentedControl value={priority} onChange={(v) => setPriority(v as 'routine' | 'stat')} data={[{ value: 'routine', label: 'Routine' }, { value: 'stat', label: 'STAT' }]} />
          </Group>
          <Textarea label="Note to the lab" value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={2} />
          <FormProblems error={place.error} fields={['tests']} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" disabled={!integrationId || tests.length === 0} loading={place.isPending}>
              Send order
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
