/**
 * Change of owner, from the patient's page: a pet rehomed, adopted or sold, or filed under the
 * wrong member of a family. The new owner is an existing client, found with the client search
 * Checkout uses (or registered here first); the reason goes in the audit log. The dialog says what
 * follows before anything is done: the record moves, the money stays, PetLifeLog follows by itself.
 */
import { useState } from 'react'
import { Alert, Button, Group, List, Modal, Paper, Stack, Text, Textarea } from '@mantine/core'
import { IconUserPlus } from '@tabler/icons-react'
import type { Client, Patient, PetLifeLogStatus } from '../../../src-preload/contract'
import { useAction, useCall } from '../api/hooks'
import { date } from '../format'
import { ClientSearch } from './checkout/VisitList'
import { ClientForm } from './ClientForm'
import { fieldErrors } from './forms'

const fullName = (c: { firstName: string; lastName: string }) => `${c.firstName} ${c.lastName}`.trim()
const reachable = (c: Client) => c.contacts.some((x) => x.kind === 'phone' || x.kind === 'email')

export function ChangeOwnerDialog({ patient, owner, onClose }: { patient: Patient; owner: Client; onClose: () => void }) {
  const [picked, setPicked] = useState<Client | null>(null)
  const [reason, setReason] = useState('')
  const [registering, setRegistering] = useState(false)
  const [missing, setMissing] = useState<{ clientId?: string; reason?: string }>({})
  const lifelog = useCall('petlifelog.status', { patientId: patient.id })
  const change = useAction('patients.changeOwner', () => onClose())
  const server = fieldErrors(change.error)
  const clientError = missing.clientId ?? server.clientId
  const reasonError = missing.reason ?? (server.reason ? `The reason ${server.reason}` : undefined)
  // Errors no field carries (a deceased patient, a role without access, a lost connection).
  const general = change.error && !server.clientId && !server.reason ? change.error.message : null
  const oldName = fullName(owner)
  const newName = picked ? fullName(picked) : 'the new owner'

  const pick = (c: Client) => {
    setPicked(c)
    setMissing((m) => ({ ...m, clientId: undefined }))
    change.reset()
  }

  const submit = (e: React.FormEvent) => {
    e.preventDefault()
    const m = {
      clientId: picked ? undefined : 'Choose the new owner: search by name or phone, or register them as a new client',
      reason: reason.trim() ? undefined : 'Say why the owner changes (rehomed, adopted, sold, wrong family member): it goes in the audit log'
    }
    setMissing(m)
    if (m.clientId || m.reason || !picked) return
    change.mutate({ id: patient.id, clientId: picked.id, reason })
  }

  return (
    <>
      <Modal opened onClose={onClose} title={`Change ${patient.name}’s owner`} size="lg">
        <form onSubmit={submit} noValidate>
          <Stack>
            {patient.deceasedAt && (
              <Alert color="gray" data-testid="owner-deceased">
                {patient.name} is recorded as deceased ({date(patient.deceasedAt)}): the owner of a deceased patient is not changed. If the death was recorded by mistake,
                clear it with Edit first.
              </Alert>
            )}
            {general && (
              <Alert color="red" data-testid="owner-error">
                {general}
              </Alert>
            )}
            <Text size="sm">
              Owner now: <b>{oldName}</b>
            </Text>
            <div>
              <Text size="sm" fw={500} mb={4}>
                New owner
              </Text>
              {picked ? (
                <Paper withBorder p="sm" data-testid="owner-picked">
                  <Group justify="space-between" wrap="nowrap">
                    <div>
                      <Text fw={500}>{newName}</Text>
                      <Text size="xs" c="dimmed">
                        {picked.contacts.map((c) => c.value).join(' · ') || 'No phone or e-mail on file'}
                      </Text>
                    </div>
                    <Button variant="subtle" size="xs" onClick={() => setPicked(null)} data-testid="owner-pick-another">
                      Choose another
                    </Button>
                  </Group>
                </Paper>
              ) : (
                <Stack gap={6}>
                  <ClientSearch selected={null} onPick={(_id, c) => pick(c)} title={null} testId="owner-client" excludeId={owner.id} />
                  <Button variant="subtle" size="xs" w="fit-content" leftSection={<IconUserPlus size={14} />} onClick={() => setRegistering(true)} data-testid="owner-new-client">
                    Not a client yet? Register the new owner
                  </Button>
                </Stack>
              )}
              {clientError && (
                <Text size="sm" c="red" mt={4} data-testid="owner-client-error">
                  {clientError}
                </Text>
              )}
            </div>
            <Textarea
              label="Reason (goes in the audit log)"
              placeholder="Adopted by a neighbour; rehomed through the shelter; filed under the wrong family member…"
              value={reason}
              onChange={(e) => {
                setReason(e.currentTarget.value)
                setMissing((m) => ({ ...m, reason: undefined }))
              }}
              error={reasonError}
              autosize
              minRows={2}
              maxLength={300}
              data-testid="owner-reason"
            />
            <Alert color="blue" variant="light" title="What happens" data-testid="owner-consequences">
              <List size="sm" spacing={4}>
                <List.Item>
                  {patient.name} moves to {newName}’s record, with all of {patient.name}’s visits, notes, results, images and documents.
                </List.Item>
                <List.Item>
                  Invoices, estimates (open ones too) and payments made so far, and any balance or credit, stay with {oldName}, on {oldName}’s client page. What is invoiced from
                  now on is {newName}’s.
                </List.Item>
                <List.Item>
                  <LifeLogLine patient={patient} status={lifelog.data} newName={newName} oldName={oldName} />
                </List.Item>
                <List.Item>The change, both owners and the reason are recorded in the audit log.</List.Item>
              </List>
            </Alert>
            {picked && transfers(lifelog.data) && !reachable(picked) && (
              <Alert color="orange" data-testid="owner-petlifelog-unreachable">
                {newName} has no phone number or e-mail on file: PetLifeLog registers a chip only to an owner it can reach, so the registration stays with{' '}
                {lifelog.data?.registration?.ownerName ?? oldName} until one is added to {newName}’s client record.
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={change.isPending} disabled={!!patient.deceasedAt} data-testid="owner-confirm">
                Change owner
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      {/* Outside the form above: a submit inside a portal still bubbles up the React tree. */}
      {registering && (
        <ClientForm
          opened
          onClose={() => setRegistering(false)}
          onSaved={(c) => {
            setRegistering(false)
            pick(c)
          }}
        />
      )}
    </>
  )
}

/** A registration this clinic keeps (confirmed or waiting) follows the owner; an opted-out patient sends nothing. */
function transfers(status: PetLifeLogStatus | undefined): boolean {
  return !!status && !status.optOut && !!status.chip && (!!status.registration || status.outbox.length > 0)
}

function LifeLogLine({ patient, status, newName, oldName }: { patient: Patient; status: PetLifeLogStatus | undefined; newName: string; oldName: string }) {
  if (!patient.microchip) return <>PetLifeLog: {patient.name} has no microchip, so nothing is sent.</>
  if (!status) return <>PetLifeLog: checking {patient.name}’s registration…</>
  if (status.optOut) return <>PetLifeLog: the clinic opted {patient.name} out, so nothing is sent.</>
  if (transfers(status)) {
    return (
      <>
        PetLifeLog: the registration of chip {status.chip} (now to {status.registration?.ownerName ?? oldName}) is transferred to {newName} by itself; while PetLifeLog cannot
        be reached, the transfer waits and goes when the link returns.
      </>
    )
  }
  return <>PetLifeLog: this clinic has not registered {patient.name}’s chip, so nothing is sent.</>
}
