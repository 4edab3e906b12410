import { useEffect } from 'react'
import { Alert, Center, Divider, Group, Loader, Stack, Text, Title } from '@mantine/core'
import { useParams } from 'react-router-dom'
import { useCall } from '../api/hooks'
import { LabValues } from '../components/LabValues'
import { age, date, dateTime, sexLabel, SPECIES_LABEL } from '../format'

/** A result report on one page, for the record or the owner; opens the print dialog itself. */
export function PrintReport() {
  const { id = '' } = useParams()
  const data = useCall('labs.report', { reportId: id })
  useEffect(() => {
    if (data.data && !navigator.webdriver) setTimeout(() => window.print(), 300)
  }, [data.data])
  if (data.isLoading) return <Center h="100vh"><Loader /></Center>
  if (data.error) return <Alert color="red">{data.error.message}</Alert>
  const { report, patient, owner, clinic } = data.data!
  return (
    <Stack p="xl" maw={900} mx="auto" bg="white" data-testid="print-report">
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={3}>{clinic.name}</Title>
          <Text size="sm">{clinic.address}</Text>
          <Text size="sm">{clinic.phone}</Text>
        </div>
        <div style={{ textAlign: 'right' }}>
          <Title order={4}>{report.title ?? 'Laboratory results'}</Title>
          <Text size="sm">{report.integrationName}</Text>
          <Text size="sm">Order {report.orderNumber ?? '—'}{report.fillerNumber ? ` · lab ref ${report.fillerNumber}` : ''}</Text>
        </div>
      </Group>
      <Divider />
      <Group gap="xl">
        <Text size="sm"><b>Patient</b> {patient.name} ({SPECIES_LABEL[patient.species] ?? patient.species}{patient.breed ? `, ${patient.breed}` : ''}, {sexLabel(patient)}, {age(patient.dateOfBirth)})</Text>
        <Text size="sm"><b>Owner</b> {owner.firstName} {owner.lastName}</Text>
        <Text size="sm"><b>Collected</b> {dateTime(report.observedAt)}</Text>
        <Text size="sm"><b>Reported</b> {dateTime(report.receivedAt)}</Text>
      </Group>
      <LabValues observations={report.observations} />
      {report.documents.length > 0 && (
        <Text size="sm">
          <b>From the lab</b> {report.documents.map((d) => d.title).join(', ')}: the lab&apos;s own report, kept with the patient&apos;s documents.
        </Text>
      )}
      <Text size="xs" c="dimmed">
        Printed {date(new Date().toISOString())} from VetOS. Values flagged H/L are outside the reference range; HH/LL are critical.
      </Text>
    </Stack>
  )
}
