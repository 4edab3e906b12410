import { useState } from 'react'
import { ActionIcon, Button, Group, Modal, Select, Stack, TextInput, Textarea } from '@mantine/core'
import { IconPlus, IconTrash } from '@tabler/icons-react'
import type { Client } from '../../../src-preload/contract'
import { useAction } from '../api/hooks'
import { formProblems } from './forms'
import { FormAlerts } from './Confirmations'

type Phone = { label: 'mobile' | 'home' | 'work' | 'other'; number: string }

/** Create or edit a client (owner); validation comes from the API contract, shown per field. */
export function ClientForm({ client, opened, onClose, onSaved }: { client?: Client; opened: boolean; onClose: () => void; onSaved: (c: Client) => void }) {
  const [firstName, setFirst] = useState(client?.firstName ?? '')
  const [lastName, setLast] = useState(client?.lastName ?? '')
  const [email, setEmail] = useState(client?.contacts.find((c) => c.kind === 'email')?.value ?? '')
  const [phones, setPhones] = useState<Phone[]>(client?.contacts.filter((c) => c.kind === 'phone').map((c) => ({ label: c.label as Phone['label'], number: c.value })) ?? [{ label: 'mobile', number: '' }])
  const [address, setAddress] = useState(client?.address ?? '')
  const [notes, setNotes] = useState(client?.notes ?? '')
  const create = useAction('clients.create', onSaved)
  const update = useAction('clients.update', onSaved)
  const action = client ? update : create
  const kept = phones.filter((p) => p.number.trim())
  // API paths name the kept phones (phones.1.number); the form's rows include empty ones.
  const phoneAlias = Object.fromEntries(kept.map((p, i) => [`phones.${i}.number`, `phones.${phones.indexOf(p)}.number`]))
  const problems = formProblems(action.error, ['firstName', 'lastName', 'email', 'address', 'notes', ...phones.map((_, i) => `phones.${i}.number`)], phoneAlias)
  const errors = problems.fields

  const send = (confirm: boolean) => {
    const body = { firstName, lastName, email: email || null, phones: kept, address, notes }
    if (client) update.mutate({ id: client.id, ...body })
    else create.mutate({ ...body, confirm })
  }
  const submit = (e: React.FormEvent) => {
    e.preventDefault()
    send(false)
  }

  return (
    <Modal opened={opened} onClose={onClose} title={client ? 'Edit client' : 'New client'} size="lg">
      <form onSubmit={submit}>
        <Stack>
          <Group grow>
            <TextInput label="First name" value={firstName} onChange={(e) => setFirst(e.currentTarget.value)} error={errors.firstName} withAsterisk data-autofocus name="firstName" />
            <TextInput label="Last name" value={lastName} onChange={(e) => setLast(e.currentTarget.value)} error={errors.lastName} withAsterisk name="lastName" />
          </Group>
          {phones.map((p, i) => (
            <Group key={i} align="flex-end" wrap="nowrap">
              <Select label={i === 0 ? 'Phone' : undefined} w={120} data={['mobile', 'home', 'work', 'other']} value={p.label} allowDeselect={false} onChange={(v) => setPhones(phones.map((q, j) => (j === i ? { ...q, label: v as Phone['label'] } : q)))} />
              <TextInput
                style={{ flex: 1 }}
                placeholder="(555) 010-1234"
                value={p.number}
                name={`phone${i}`}
                error={errors[`phones.${i}.number`]}
                onChange={(e) => {
                  const v = e.currentTarget.value
                  setPhones(phones.map((q, j) => (j === i ? { ...q, number: v } : q)))
                }}
              />
              <ActionIcon variant="subtle" color="gray" aria-label="Remove phone" onClick={() => setPhones(phones.filter((_, j) => j !== i))} mb={4}>
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
          ))}
          {phones.length < 5 && (
            <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} onClick={() => setPhones([...phones, { label: 'mobile', number: '' }])} w="fit-content">
              Add phone
            </Button>
          )}
          <TextInput label="Email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={errors.email} name="email" />
          <TextInput label="Address" value={address} onChange={(e) => setAddress(e.currentTarget.value)} error={errors.address} name="address" />
          <Textarea label="Notes" value={notes} onChange={(e) => setNotes(e.currentTarget.value)} autosize minRows={2} error={errors.notes} />
          <FormAlerts problems={problems} yesLabel="Create anyway" onYes={() => send(true)} busy={action.isPending} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={action.isPending}>
              {client ? 'Save' : 'Create client'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
