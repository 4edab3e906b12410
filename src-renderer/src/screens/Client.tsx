import { useState } from 'react'
import { Alert, Badge, Button, Group, Loader, Paper, SimpleGrid, Stack, Tabs, Text, Title } from '@mantine/core'
import { IconEdit, IconPlus } from '@tabler/icons-react'
import { useNavigate, useParams, useSearchParams } from 'react-router-dom'
import { useCall } from '../api/hooks'
import { ClientForm } from '../components/ClientForm'
import { PatientForm } from '../components/PatientForm'
import { PatientTable } from '../components/PatientTable'
import { BillingHistory } from '../components/BillingHistory'

export function ClientScreen() {
  const { id = '' } = useParams()
  const [params, setParams] = useSearchParams()
  const navigate = useNavigate()
  const detail = useCall('clients.get', { id })
  const [editing, setEditing] = useState(false)
  const adding = params.get('addPatient') === '1'
  if (detail.isLoading) return <Loader />
  if (detail.error) return <Alert color="red">{detail.error.message}</Alert>
  const { client, patients } = detail.data!

  return (
    <Stack maw={1100}>
      <Group justify="space-between">
        <div>
          <Text size="sm" c="dimmed">
            Client
          </Text>
          <Title order={2}>
            {client.firstName} {client.lastName}
          </Title>
        </div>
        <Group>
          <Button variant="default" leftSection={<IconEdit size={16} />} onClick={() => setEditing(true)}>
            Edit
          </Button>
          <Button leftSection={<IconPlus size={16} />} onClick={() => setParams({ addPatient: '1' })}>
            Add patient
          </Button>
        </Group>
      </Group>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="md">
          <Title order={5} mb="xs">
            Contact
          </Title>
          {client.contacts.length === 0 && <Text c="dimmed">No contact details</Text>}
          {client.contacts.map((c) => (
            <Group key={c.id} gap="xs">
              <Text size="sm" c="dimmed" w={60}>
                {c.label}
              </Text>
              <Text size="sm">{c.value}</Text>
              {c.isPrimary && c.kind === 'phone' && (
                <Badge size="xs" variant="light">
                  primary
                </Badge>
              )}
            </Group>
          ))}
          {client.address && (
            <Text size="sm" mt="xs">
              {client.address}
            </Text>
          )}
        </Paper>
        <Paper withBorder p="md">
          <Title order={5} mb="xs">
            Notes
          </Title>
          <Text size="sm" c={client.notes ? undefined : 'dimmed'}>
            {client.notes ?? 'None'}
          </Text>
        </Paper>
      </SimpleGrid>
      <Tabs defaultValue="patients" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="patients">Patients</Tabs.Tab>
          <Tabs.Tab value="billing" data-testid="client-tab-billing">Billing</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="patients" pt="md">
          <Paper withBorder>
            <PatientTable rows={patients} showOwner={false} empty="No patients yet." />
          </Paper>
        </Tabs.Panel>
        <Tabs.Panel value="billing" pt="md">
          <BillingHistory clientId={client.id} />
        </Tabs.Panel>
      </Tabs>
      {editing && <ClientForm client={client} opened onClose={() => setEditing(false)} onSaved={() => setEditing(false)} />}
      {adding && <PatientForm clientId={client.id} opened onClose={() => setParams({})} onSaved={(p) => navigate(`/patients/${p.id}`)} />}
    </Stack>
  )
}
