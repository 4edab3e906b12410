import { useState } from 'react'
import { Badge, Button, Group, Modal, Paper, PasswordInput, Select, SimpleGrid, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core'
import { ROLES, type Role, type StaffMember } from '../../../src-preload/contract'
import { useAction, useCall } from '../api/hooks'
import { useMe } from '../App'
import { fieldErrors } from '../components/forms'
import { WorkstationsPanel } from '../components/WorkstationsPanel'
import { ScannerPanel } from '../components/ScannerPanel'
import { ROLE_LABEL } from '../format'
import { FormProblems } from '../components/FormProblems'

export function SettingsScreen() {
  const me = useMe()
  const admin = me.role === 'admin'
  return (
    <Stack maw={1100}>
      <Title order={2}>Settings</Title>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <ClinicPanel admin={admin} />
        <AboutPanel />
      </SimpleGrid>
      <StaffPanel admin={admin} meId={me.id} />
      <ScannerPanel admin={admin} />
      {admin && <WorkstationsPanel />}
    </Stack>
  )
}

function ClinicPanel({ admin }: { admin: boolean }) {
  const clinic = useCall('clinic.get', {})
  const [draft, setDraft] = useState<{ name: string; phone: string; email: string; address: string; weightUnit: 'kg' | 'lb' } | null>(null)
  const save = useAction('clinic.update', () => setDraft(null))
  const c = clinic.data
  if (!c) return null
  const errors = fieldErrors(save.error)
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="xs">
        <Title order={4}>Clinic</Title>
        {admin && !draft && (
          <Button size="xs" variant="light" onClick={() => setDraft({ name: c.name, phone: c.phone ?? '', email: c.email ?? '', address: c.address ?? '', weightUnit: c.weightUnit })}>
            Edit
          </Button>
        )}
      </Group>
      {draft ? (
        <form
          onSubmit={(e) => {
            e.preventDefault()
            save.mutate(draft)
          }}
        >
          <Stack gap="xs">
            <TextInput label="Name" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })} error={errors.name} />
            <TextInput label="Phone" value={draft.phone} onChange={(e) => setDraft({ ...draft, phone: e.currentTarget.value })} />
            <TextInput label="Email" value={draft.email} onChange={(e) => setDraft({ ...draft, email: e.currentTarget.value })} />
            <TextInput label="Address" value={draft.address} onChange={(e) => setDraft({ ...draft, address: e.currentTarget.value })} />
            <Select
              label="Weights in"
              description="How every workstation types and shows weights; they are kept in kilograms, so switching loses nothing"
              data={[{ value: 'kg', label: 'Kilograms (kg)' }, { value: 'lb', label: 'Pounds (lb)' }]}
              value={draft.weightUnit}
              onChange={(v) => v && setDraft({ ...draft, weightUnit: v as 'kg' | 'lb' })}
              allowDeselect={false}
              name="weightUnit"
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setDraft(null)}>
                Cancel
              </Button>
              <Button type="submit">Save</Button>
            </Group>
          </Stack>
        </form>
      ) : (
        <Stack gap={2}>
          <Text fw={600}>{c.name}</Text>
          <Text size="sm">{c.address}</Text>
          <Text size="sm">
            {c.phone} {c.email ? `· ${c.email}` : ''}
          </Text>
          <Text size="xs" c="dimmed">
            Time zone {c.timezone} · currency {c.currency} · weights in {c.weightUnit}
          </Text>
        </Stack>
      )}
    </Paper>
  )
}

function AboutPanel() {
  const info = useCall('app.info', {})
  return (
    <Paper withBorder p="md">
      <Title order={4} mb="xs">
        This workstation
      </Title>
      <Text size="sm">VetOS {info.data?.version}</Text>
      <Text size="sm">Running as {info.data?.host === 'electron' ? 'desktop app' : 'headless hub'}</Text>
      <Text size="xs" c="dimmed" ff="monospace">
        device {info.data?.deviceId}
      </Text>
    </Paper>
  )
}

function StaffPanel({ admin, meId }: { admin: boolean; meId: string }) {
  const staff = useCall('staff.list', {})
  const [editing, setEditing] = useState<StaffMember | 'new' | null>(null)
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="xs">
        <Title order={4}>Staff</Title>
        {admin && (
          <Button size="xs" onClick={() => setEditing('new')}>
            Add staff member
          </Button>
        )}
      </Group>
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Username</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>License</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(staff.data ?? []).map((s) => (
            <Table.Tr key={s.id} opacity={s.active ? 1 : 0.5}>
              <Table.Td>
                {s.displayName} {s.id === meId && <Badge size="xs">you</Badge>} {!s.active && <Badge size="xs" color="gray">inactive</Badge>}
              </Table.Td>
              <Table.Td ff="monospace">{s.username}</Table.Td>
              <Table.Td>{ROLE_LABEL[s.role]}</Table.Td>
              <Table.Td>{s.licenseNumber}</Table.Td>
              <Table.Td>
                {admin && (
                  <Button size="compact-xs" variant="subtle" onClick={() => setEditing(s)}>
                    Edit
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {editing && <StaffModal member={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </Paper>
  )
}

function StaffModal({ member, onClose }: { member: StaffMember | null; onClose: () => void }) {
  const [displayName, setName] = useState(member?.displayName ?? '')
  const [username, setUsername] = useState(member?.username ?? '')
  const [role, setRole] = useState<Role>(member?.role ?? 'front_desk')
  const [pin, setPin] = useState('')
  const [active, setActive] = useState(member?.active ?? true)
  const [license, setLicense] = useState(member?.licenseNumber ?? '')
  const create = useAction('staff.create', onClose)
  const update = useAction('staff.update', onClose)
  const action = member ? update : create
  const errors = fieldErrors(action.error)
  return (
    <Modal opened onClose={onClose} title={member ? `Edit ${member.displayName}` : 'Add staff member'}>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          if (member) update.mutate({ id: member.id, displayName, role, active, licenseNumber: license, ...(pin ? { pin } : {}) })
          else create.mutate({ displayName, username, role, pin, licenseNumber: license })
        }}
      >
        <Stack>
          <TextInput label="Name" value={displayName} onChange={(e) => setName(e.currentTarget.value)} error={errors.displayName} required />
          {!member && <TextInput label="Username" value={username} onChange={(e) => setUsername(e.currentTarget.value)} error={errors.username} required />}
          <Select label="Role" data={ROLES.map((r) => ({ value: r, label: ROLE_LABEL[r] }))} value={role} onChange={(v) => setRole(v as Role)} allowDeselect={false} />
          <TextInput label="License number" value={license} onChange={(e) => setLicense(e.currentTarget.value)} />
          <PasswordInput label={member ? 'New PIN (leave empty to keep)' : 'PIN'} value={pin} onChange={(e) => setPin(e.currentTarget.value)} error={errors.pin} inputMode="numeric" />
          {member && <Switch label="Active" checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />}
          <FormProblems error={action.error} fields={['displayName', 'pin', 'username']} />
          <Group justify="flex-end">
            <Button type="submit" loading={action.isPending}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
