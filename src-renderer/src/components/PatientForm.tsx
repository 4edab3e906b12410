import { useState } from 'react'
import { Button, Checkbox, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core'
import { SPECIES, type Patient } from '../../../src-preload/contract'
import { useAction } from '../api/hooks'
import { SPECIES_LABEL } from '../format'
import { formProblems } from './forms'
import { FormAlerts } from './Confirmations'
import { useWeightUnit } from './weight'

const FIELDS = ['name', 'species', 'breed', 'color', 'sex', 'neuterStatus', 'dateOfBirth', 'microchip', 'weight'] as const

/**
 * Create (for a client) or edit a patient. Nothing is checked here that the core does not check:
 * the API answers every problem at once (formProblems puts each beside its field), and an unusual
 * weight or age, or a pet the owner already has, is saved only after a yes.
 */
export function PatientForm({ clientId, patient, opened, onClose, onSaved }: { clientId: string; patient?: Patient; opened: boolean; onClose: () => void; onSaved: (p: Patient) => void }) {
  const [name, setName] = useState(patient?.name ?? '')
  const [species, setSpecies] = useState<string | null>(patient?.species ?? 'canine')
  const [breed, setBreed] = useState(patient?.breed ?? '')
  const [sex, setSex] = useState<string | null>(patient?.sex ?? 'unknown')
  const [neuter, setNeuter] = useState<string | null>(patient?.neuterStatus ?? 'unknown')
  const [dob, setDob] = useState(patient?.dateOfBirth ?? '')
  const [dobEstimated, setDobEstimated] = useState(patient?.dobEstimated ?? false)
  const [color, setColor] = useState(patient?.color ?? '')
  const [microchip, setMicrochip] = useState(patient?.microchip ?? '')
  const [weight, setWeight] = useState('')
  const unit = useWeightUnit()
  const create = useAction('patients.create', onSaved)
  const update = useAction('patients.update', onSaved)
  const action = patient ? update : create
  const problems = formProblems(action.error, FIELDS, { weightKg: 'weight' })
  const errors = problems.fields
  // A change after a warning withdraws it: the yes was for what was on screen.
  const edit = <T,>(set: (v: T) => void) => (v: T) => {
    set(v)
    if (action.error) action.reset()
  }

  const send = (confirm: boolean) => {
    const body = {
      name,
      species: species as (typeof SPECIES)[number],
      breed,
      sex: sex as Patient['sex'],
      neuterStatus: neuter as Patient['neuterStatus'],
      dateOfBirth: dob || null,
      dobEstimated,
      color,
      microchip,
      confirm
    }
    if (patient) update.mutate({ id: patient.id, ...body })
    else create.mutate({ clientId, ...body, ...(weight.trim() ? { weight: { text: weight, unit } } : {}) })
  }
  const submit = (e: React.FormEvent) => {
    e.preventDefault()
    send(false)
  }

  return (
    <Modal opened={opened} onClose={onClose} title={patient ? `Edit ${patient.name}` : 'New patient'} size="lg">
      <form onSubmit={submit}>
        <Stack>
          <Group grow align="flex-start">
            <TextInput label="Name" value={name} onChange={(e) => edit(setName)(e.currentTarget.value)} error={errors.name} withAsterisk data-autofocus name="name" />
            <Select label="Species" data={SPECIES.map((s) => ({ value: s, label: SPECIES_LABEL[s] }))} value={species} onChange={edit(setSpecies)} allowDeselect={false} error={errors.species} name="species" />
          </Group>
          <Group grow>
            <TextInput label="Breed" value={breed} onChange={(e) => edit(setBreed)(e.currentTarget.value)} error={errors.breed} name="breed" />
            <TextInput label="Color / markings" value={color} onChange={(e) => setColor(e.currentTarget.value)} error={errors.color} name="color" />
          </Group>
          <Group grow>
            <Select label="Sex" data={[{ value: 'male', label: 'Male' }, { value: 'female', label: 'Female' }, { value: 'unknown', label: 'Unknown' }]} value={sex} onChange={setSex} allowDeselect={false} name="sex" />
            <Select label="Neuter status" data={[{ value: 'neutered', label: 'Spayed / neutered' }, { value: 'intact', label: 'Intact' }, { value: 'unknown', label: 'Unknown' }]} value={neuter} onChange={setNeuter} allowDeselect={false} name="neuterStatus" />
          </Group>
          <Group grow align="flex-end">
            <TextInput label="Date of birth" type="date" value={dob} onChange={(e) => edit(setDob)(e.currentTarget.value)} error={errors.dateOfBirth} name="dateOfBirth" />
            <Checkbox label="Estimated" checked={dobEstimated} onChange={(e) => setDobEstimated(e.currentTarget.checked)} mb={8} />
          </Group>
          <TextInput label="Microchip" description="15-digit ISO, 9-digit AVID or 10-character FECAVA; scanner output is fine" value={microchip} onChange={(e) => edit(setMicrochip)(e.currentTarget.value)} error={errors.microchip} name="microchip" />
          {!patient && (
            <TextInput
              label={`Weight (${unit})`}
              value={weight}
              onChange={(e) => edit(setWeight)(e.currentTarget.value)}
              inputMode="decimal"
              rightSection={<Text size="sm" c="dimmed">{unit}</Text>}
              error={errors.weight}
              name="weight"
            />
          )}
          <FormAlerts problems={problems} yesLabel={problems.duplicates.length ? 'Create anyway' : 'Yes, these are right'} onYes={() => send(true)} busy={action.isPending} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={action.isPending}>
              {patient ? 'Save' : 'Create patient'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
