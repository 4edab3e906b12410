import { useState } from 'react'
import { Alert, Button, Checkbox, Group, Modal, NumberInput, Select, Stack, TextInput } from '@mantine/core'
import { SPECIES, type Patient } from '../../../src-preload/contract'
import { useAction } from '../api/hooks'
import { SPECIES_LABEL } from '../format'
import { fieldErrors } from './forms'

/** Create (for a client) or edit a patient. */
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
  const [weight, setWeight] = useState<number | string>('')
  const create = useAction('patients.create', onSaved)
  const update = useAction('patients.update', onSaved)
  const action = patient ? update : create
  const errors = fieldErrors(action.error)

  const submit = (e: React.FormEvent) => {
    e.preventDefault()
    const body = {
      name,
      species: species as (typeof SPECIES)[number],
      breed,
      sex: sex as Patient['sex'],
      neuterStatus: neuter as Patient['neuterStatus'],
      dateOfBirth: dob || null,
      dobEstimated,
      color,
      microchip
    }
    if (patient) update.mutate({ id: patient.id, ...body })
    else create.mutate({ clientId, ...body, weightKg: typeof weight === 'number' ? weight : null })
  }

  return (
    <Modal opened={opened} onClose={onClose} title={patient ? `Edit ${patient.name}` : 'New patient'} size="lg">
      <form onSubmit={submit}>
        <Stack>
          <Group grow>
            <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} required data-autofocus name="name" />
            <Select label="Species" data={SPECIES.map((s) => ({ value: s, label: SPECIES_LABEL[s] }))} value={species} onChange={setSpecies} allowDeselect={false} error={errors.species} name="species" />
          </Group>
          <Group grow>
            <TextInput label="Breed" value={breed} onChange={(e) => setBreed(e.currentTarget.value)} error={errors.breed} name="breed" />
            <TextInput label="Color / markings" value={color} onChange={(e) => setColor(e.currentTarget.value)} error={errors.color} name="color" />
          </Group>
          <Group grow>
            <Select label="Sex" data={[{ value: 'male', label: 'Male' }, { value: 'female', label: 'Female' }, { value: 'unknown', label: 'Unknown' }]} value={sex} onChange={setSex} allowDeselect={false} name="sex" />
            <Select label="Neuter status" data={[{ value: 'neutered', label: 'Spayed / neutered' }, { value: 'intact', label: 'Intact' }, { value: 'unknown', label: 'Unknown' }]} value={neuter} onChange={setNeuter} allowDeselect={false} name="neuterStatus" />
          </Group>
          <Group grow align="flex-end">
            <TextInput label="Date of birth" type="date" value={dob} onChange={(e) => setDob(e.currentTarget.value)} error={errors.dateOfBirth} name="dateOfBirth" />
            <Checkbox label="Estimated" checked={dobEstimated} onChange={(e) => setDobEstimated(e.currentTarget.checked)} mb={8} />
          </Group>
          <TextInput label="Microchip" description="15-digit ISO, 9-digit AVID or 10-character FECAVA; scanner output is fine" value={microchip} onChange={(e) => setMicrochip(e.currentTarget.value)} error={errors.microchip} name="microchip" />
          {!patient && <NumberInput label="Weight (kg)" value={weight} onChange={setWeight} min={0} decimalScale={3} error={errors.weightKg} name="weightKg" />}
          {action.error && !Object.keys(errors).length && <Alert color="red">{action.error.message}</Alert>}
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
