import { lazy, Suspense, useState } from 'react'
import { Alert, Button, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core'
import { IconRadioactive } from '@tabler/icons-react'
import type { PatientDetail } from '../../../src-preload/contract'
import { useCall } from '../api/hooks'
import { useMe } from '../App'
import { ImagingRequests, RequestImagingModal } from '../components/imaging/ImagingRequests'
import { ImportDocumentButton } from '../components/imaging/ImportDocument'
import { SPECIES_LABEL } from '../format'

const CLINICAL = new Set(['veterinarian', 'technician', 'admin'])

// cornerstone3d (WASM codecs, WebGL) is loaded only when a patient's images are shown.
const ImagingWorkspace = lazy(() => import('../components/imaging/ImagingWorkspace'))

/** The patient's Imaging tab: requests on the worklist, studies with thumbnails, the viewer. */
export function PatientImaging({ d }: { d: PatientDetail }) {
  const me = useMe()
  const patientId = d.patient.id
  const requests = useCall('imaging.requests', { patientId })
  const studies = useCall('imaging.studies', { patientId })
  const [requesting, setRequesting] = useState(false)
  const canEdit = CLINICAL.has(me.role)
  const error = requests.error ?? studies.error
  const waiting = (requests.data ?? []).filter((r) => r.status === 'scheduled')
  const earlier = (requests.data ?? []).filter((r) => r.status !== 'scheduled')
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={4}>Imaging</Title>
        <Group gap="xs">
          {canEdit && <ImportDocumentButton patientId={patientId} />}
          {canEdit && (
            <Button leftSection={<IconRadioactive size={16} />} onClick={() => setRequesting(true)} data-testid="request-imaging">
              Request imaging
            </Button>
          )}
        </Group>
      </Group>
      {error && <Alert color="red">{error.message}</Alert>}
      {/* Requests still on the worklist first; done and cancelled ones below the images, so the viewer starts high on the screen. */}
      <ImagingRequests requests={waiting} canEdit={canEdit} />
      {studies.isLoading && <Loader />}
      {studies.isSuccess && studies.data.length === 0 && (
        <Paper withBorder p="lg">
          <Text c="dimmed" ta="center">
            No images yet. Request imaging, then take the images on the modality: the study appears here by itself when it arrives.
          </Text>
        </Paper>
      )}
      {studies.isSuccess && studies.data.length > 0 && (
        <Suspense fallback={<Loader />}>
          <ImagingWorkspace studies={studies.data} visits={d.visits} species={d.patient.species} patientLabel={`${d.patient.name} (${d.owner.lastName}) · ${SPECIES_LABEL[d.patient.species] ?? d.patient.species}`} canEdit={canEdit} />
        </Suspense>
      )}
      {earlier.length > 0 && (
        <Stack gap={4}>
          <Text size="sm" fw={600} c="dimmed">
            Earlier requests
          </Text>
          <ImagingRequests requests={earlier} canEdit={canEdit} />
        </Stack>
      )}
      {requesting && <RequestImagingModal patientId={patientId} visits={d.visits} onClose={() => setRequesting(false)} />}
    </Stack>
  )
}
