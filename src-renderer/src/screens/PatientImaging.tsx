import { lazy, Suspense, useState } from 'react'
import { Alert, Button, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core'
import { IconRadioactive } from '@tabler/icons-react'
import type { PatientDetail } from '../../../src-preload/contract'
import { useCall } from '../api/hooks'
import { useMe } from '../App'
import { ImagingRequests, RequestImagingModal } from '../components/imaging/ImagingRequests'
import { ImportDocumentButton } from '../components/imaging/ImportDocument'

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
      <ImagingRequests requests={requests.data ?? []} canEdit={canEdit} />
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
          <ImagingWorkspace studies={studies.data} species={d.patient.species} canEdit={canEdit} />
        </Suspense>
      )}
      {requesting && <RequestImagingModal patientId={patientId} visits={d.visits} onClose={() => setRequesting(false)} />}
    </Stack>
  )
}
