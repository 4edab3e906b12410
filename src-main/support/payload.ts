/**
 * The exact bytes a request for a new integration sends: the form, and each attached captured
 * message as text (identity removed unless kept). Built the same way for the review and for the
 * send, from nothing that changes between the two (no clock, no new id), so the hash the
 * administrator reviewed proves what leaves.
 */
import { createHash } from 'node:crypto'
import type { z } from 'zod'
import type { DataCategory, IntegrationRequestForm, RequestSample } from '../../src-preload/contract'
import type { CaptureLog } from '../integrations/capture'
import type { IntegrationRegistry } from '../integrations/registry'
import { ApiError, notFound } from '../api/errors'
import { DeidentifyError, deidentifyAstm, deidentifyDicom, deidentifyHl7, type Deidentified } from './deidentify'

/** The form as the contract hands it over (defaults filled in, empty text as null). */
export type RequestForm = z.output<typeof IntegrationRequestForm>

export interface BuiltRequest {
  payload: Buffer
  hash: string
  samples: RequestSample[]
  categories: DataCategory[]
}

export const FORMAT = 'vetos.integration-request/1'

/** A request is a form and a few sample messages; anything bigger is an image or a document that should not go this way. */
export const MAX_PAYLOAD_BYTES = 20 * 1024 * 1024

/** One captured message as it will go: without identity, or (kept) as it was received, its bytes too. */
function sampleText(captures: CaptureLog, registry: IntegrationRegistry, id: string, removeIdentity: boolean): { sample: RequestSample; raw: string | null } {
  const row = captures.raw(id)
  const view = captures.get(id)
  if (!row || !view) throw notFound('Captured message')
  const integrationName = (() => {
    try {
      return registry.row(view.integrationId).name
    } catch {
      return 'a removed integration'
    }
  })()
  // The capturing integration's profile says where its species, breed and sex are; a removed one: the standard places.
  const lab = (() => {
    try {
      return registry.config(view.integrationId).lab
    } catch {
      return undefined
    }
  })()
  const base = { captureId: id, integrationName, transport: view.transport, messageType: view.messageType, receivedAt: view.receivedAt }
  if (!removeIdentity) {
    const text = view.transport === 'mllp' ? row.raw.toString('utf8').replace(/\r\n|\r/g, '\n').trimEnd() : view.text
    return { sample: { ...base, text, removed: [] }, raw: row.raw.toString('base64') }
  }
  let clean: Deidentified
  try {
    if (view.transport === 'mllp') clean = deidentifyHl7(row.raw.toString('utf8'), { pidSpeciesField: lab?.pidSpeciesField, pidBreedField: lab?.pidBreedField })
    else if (view.transport === 'astm') clean = deidentifyAstm(row.raw.toString('latin1'), { sexField: lab?.astmFields?.patientSexField, sexCodes: Object.values(lab?.sexCodes ?? {}) })
    else if (view.transport === 'dicom') clean = deidentifyDicom(view.parts)
    else throw new DeidentifyError(`VetOS cannot read ${view.transport} messages field by field`)
  } catch (e) {
    if (!(e instanceof DeidentifyError)) throw e
    throw new ApiError('invalid-input', `Patient identity cannot be removed from the sample received ${view.receivedAt} from ${integrationName}: ${e.message}. Leave it out, or turn off "Remove patient identity" after checking what it holds.`, [{ path: 'sampleIds', message: e.message }])
  }
  return { sample: { ...base, text: clean.text, removed: clean.removed }, raw: null }
}

export function buildRequest(form: RequestForm, clinic: { id: string; name: string }, captures: CaptureLog, registry: IntegrationRegistry): BuiltRequest {
  const ids = [...new Set(form.sampleIds)]
  const built = ids.map((id) => sampleText(captures, registry, id, form.removeIdentity))
  const body = {
    format: FORMAT,
    clinic,
    request: {
      system: form.system,
      vendor: form.vendor,
      model: form.model,
      wiring: form.wiring,
      wiringDetail: form.wiringDetail ?? null,
      contact: { name: form.contactName, phone: form.contactPhone ?? null, email: form.contactEmail ?? null },
      notes: form.notes ?? null
    },
    identityRemoved: form.removeIdentity,
    samples: built.map(({ sample, raw }) => ({ ...sample, ...(raw === null ? {} : { raw }) }))
  }
  const payload = Buffer.from(JSON.stringify(body), 'utf8')
  if (payload.length > MAX_PAYLOAD_BYTES)
    throw new ApiError('invalid-input', `This request would send ${(payload.length / 1024 / 1024).toFixed(1)} MB; at most ${MAX_PAYLOAD_BYTES / 1024 / 1024} MB can go. Attach fewer or smaller samples (an image sent as received carries its pixels).`, [{ path: 'sampleIds', message: 'too large to send' }])
  // Kept identity: the samples carry the patient's and the owner's names as the device wrote them, and a DICOM sample its image.
  const kept = !form.removeIdentity && ids.length > 0
  const imaging = kept && built.some((b) => b.sample.transport === 'dicom')
  const categories: DataCategory[] = ['device_samples', ...(kept ? (['patient_identity', 'owner_contact'] as const) : []), ...(imaging ? (['imaging'] as const) : [])]
  return { payload, hash: createHash('sha256').update(payload).digest('hex'), samples: built.map((b) => b.sample), categories }
}
