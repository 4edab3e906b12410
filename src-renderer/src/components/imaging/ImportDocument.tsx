import { useState } from 'react'
import { VisitSelect } from '../VisitSelect'
import { Alert, Button, FileInput, Group, Modal, Stack, Text, TextInput } from '@mantine/core'
import { IconUpload } from '@tabler/icons-react'
import { useAction, useCall } from '../../api/hooks'
import { fieldErrors } from '../forms'

const TYPES = { 'image/jpeg': 'JPEG photo', 'image/png': 'PNG image', 'application/pdf': 'PDF' } as const
type Mime = keyof typeof TYPES
const MAX_BYTES = 30 * 1024 * 1024

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''))
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read'))
    reader.readAsDataURL(file)
  })
}

/** A photo (a dental camera, a phone) or a PDF into the patient's record, linked to a visit if one is picked. */
export function ImportDocumentButton({ patientId }: { patientId: string }) {
  const [open, setOpen] = useState(false)
  const [done, setDone] = useState<string | null>(null)
  return (
    <>
      <Button variant="light" leftSection={<IconUpload size={16} />} onClick={() => (setOpen(true), setDone(null))} data-testid="import-document">
        Import photo or PDF
      </Button>
      {done && (
        <Text size="sm" c="teal" data-testid="import-done">
          {done}
        </Text>
      )}
      {open && <ImportModal patientId={patientId} onClose={() => setOpen(false)} onDone={(title) => (setOpen(false), setDone(`“${title}” is on the record (Documents tab).`))} />}
    </>
  )
}

function ImportModal({ patientId, onClose, onDone }: { patientId: string; onClose: () => void; onDone: (title: string) => void }) {
  const detail = useCall('patients.get', { id: patientId })
  const [file, setFile] = useState<File | null>(null)
  const [title, setTitle] = useState('')
  const [visitId, setVisitId] = useState<string | null>(detail.data?.visits.find((v) => v.status === 'checked_in' || v.status === 'in_progress')?.id ?? null)
  const [problem, setProblem] = useState<string | null>(null)
  const [reading, setReading] = useState(false)
  const importDoc = useAction('documents.import', (d) => onDone(d.title))
  const errors = fieldErrors(importDoc.error)
  const submit = async () => {
    setProblem(null)
    if (!file) return setProblem('Choose a file.')
    if (!(file.type in TYPES)) return setProblem('Only JPEG, PNG or PDF files can be imported.')
    if (file.size > MAX_BYTES) return setProblem('The file is larger than 30 MB.')
    setReading(true)
    try {
      const base64 = await readBase64(file)
      importDoc.mutate({ patientId, visitId, title: title.trim() || file.name, mime: file.type as Mime, base64 })
    } catch (e) {
      setProblem(e instanceof Error ? e.message : String(e))
    } finally {
      setReading(false)
    }
  }
  return (
    <Modal opened onClose={onClose} title="Import a photo or PDF into the record">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <Stack>
          <FileInput
            label="File"
            placeholder="JPEG, PNG or PDF"
            accept="image/jpeg,image/png,application/pdf"
            value={file}
            onChange={(f) => {
              setFile(f)
              if (f && !title) setTitle(f.name.replace(/\.[^.]+$/, ''))
            }}
            data-testid="import-file"
            clearable
            required
          />
          <TextInput label="Title" value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={errors.title} maxLength={200} data-testid="import-title" required />
          <VisitSelect visits={(detail.data?.visits ?? [])} value={visitId} onChange={setVisitId} />
          {(problem || (importDoc.error && !Object.keys(errors).length)) && <Alert color="red">{problem ?? importDoc.error!.message}</Alert>}
          <Group justify="flex-end">
            <Button type="submit" loading={reading || importDoc.isPending} data-testid="import-submit">
              Import
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
