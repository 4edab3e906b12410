import { useState } from 'react'
import { VisitSelect } from '../VisitSelect'
import { Alert, Badge, Button, Group, Modal, Paper, Select, Stack, Table, Text, TextInput } from '@mantine/core'
import type { ImagingRequest, Visit } from '../../../../src-preload/contract'
import { IMAGING_MODALITIES } from '../../../../src-preload/contract'
import { useAction } from '../../api/hooks'
import { fieldErrors } from '../forms'
import { askReason } from '../../prompt'
import { dateTime } from '../../format'
import { FormProblems } from '../FormProblems'

export const MODALITY_LABEL: Record<(typeof IMAGING_MODALITIES)[number], string> = {
  DX: 'DX · digital radiograph',
  CR: 'CR · computed radiography (plates)',
  US: 'US · ultrasound',
  IO: 'IO · intra-oral (dental) radiograph',
  XC: 'XC · external camera photo'
}

const STATUS: Record<ImagingRequest['status'], { label: string; color: string }> = {
  scheduled: { label: 'Scheduled', color: 'blue' },
  completed: { label: 'Completed', color: 'green' },
  cancelled: { label: 'Cancelled', color: 'gray' }
}

/** Requests on the Modality Worklist: the modality picks the patient from it and sends the accession number back. */
export function ImagingRequests({ requests, canEdit }: { requests: ImagingRequest[]; canEdit: boolean }) {
  const cancel = useAction('imaging.requestCancel')
  if (requests.length === 0) return null
  return (
    <Paper withBorder>
      {cancel.error && <Alert color="red">{cancel.error.message}</Alert>}
      <Table verticalSpacing={6} data-testid="imaging-requests">
        <Table.Tbody>
          {requests.map((r) => (
            <Table.Tr key={r.id} data-testid="imaging-request" data-accession={r.accessionNumber}>
              <Table.Td>
                <Text size="sm" fw={600}>
                  {r.modality} · {r.description}
                </Text>
                <Text size="xs" c="dimmed">
                  Accession <span data-testid="request-accession">{r.accessionNumber}</span> · for {dateTime(r.scheduledAt)}
                  {r.requestedByName ? ` · requested by ${r.requestedByName}` : ''}
                  {r.scheduledStationAet ? ` · station ${r.scheduledStationAet}` : ' · any station'}
                </Text>
              </Table.Td>
              <Table.Td w={130}>
                <Badge color={STATUS[r.status].color} variant="light" data-testid="request-status">
                  {STATUS[r.status].label}
                </Badge>
              </Table.Td>
              <Table.Td w={100} ta="right">
                {canEdit && r.status === 'scheduled' && (
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    color="red"
                    onClick={async () => {
                      const reason = await askReason(`Cancel ${r.accessionNumber} (${r.description})?`, { description: 'It leaves the worklist. Your reason goes in the audit log.', confirmLabel: 'Cancel request', dismissLabel: 'Keep it', danger: true })
                      if (reason) cancel.mutate({ requestId: r.id, reason })
                    }}
                  >
                    Cancel
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  )
}

export function RequestImagingModal({ patientId, visits, onClose }: { patientId: string; visits: Visit[]; onClose: () => void }) {
  const [modality, setModality] = useState<string | null>('DX')
  const [description, setDescription] = useState('')
  const [visitId, setVisitId] = useState<string | null>(visits.find((v) => v.status === 'checked_in' || v.status === 'in_progress')?.id ?? null)
  const [station, setStation] = useState('')
  const create = useAction('imaging.requestCreate', onClose)
  const errors = fieldErrors(create.error)
  return (
    <Modal opened onClose={onClose} title="Request imaging">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          create.mutate({
            patientId,
            visitId,
            modality: modality as ImagingRequest['modality'],
            description,
            scheduledStationAet: station.trim() ? station.trim().toUpperCase() : null
          })
        }}
      >
        <Stack>
          <Select label="Modality" data={IMAGING_MODALITIES.map((m) => ({ value: m, label: MODALITY_LABEL[m] }))} value={modality} onChange={setModality} allowDeselect={false} data-testid="request-modality" />
          <TextInput label="What to image" placeholder="e.g. Thorax, 2 views" value={description} onChange={(e) => setDescription(e.currentTarget.value)} error={errors.description} maxLength={64} required data-autofocus data-testid="request-description" />
          <VisitSelect visits={visits} value={visitId} onChange={setVisitId} />
          <TextInput
            label="Station AE title"
            description="Optional: only this modality sees the request on its worklist. Leave empty for any station."
            placeholder="e.g. DR_ROOM1"
            value={station}
            onChange={(e) => setStation(e.currentTarget.value)}
            error={errors.scheduledStationAet}
            maxLength={16}
          />
          <FormProblems error={create.error} fields={['description', 'scheduledStationAet']} />
          <Group justify="flex-end">
            <Button type="submit" loading={create.isPending} data-testid="request-submit">
              Put on the worklist
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
