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
  const base = { captureId: id, integrationName, transport: view.transport, messageType: view.messageType, receivedAt: view.receivedAt }
  if (!removeIdentity) {
    const text = view.transport === 'mllp' ? row.raw.toString('utf8').replace(/\r\n|\r/g, '\n').trimEnd() : view.text
    return { sample: { ...base, text, removed: [] }, raw: row.raw.toString('base64') }
  }
  let clean: Deidentified
  try {
    if (view.transport === 'mllp') clean = deidentifyHl7(row.raw.toString('utf8'))
    else if (view.transport === 'astm') clean = deidentifyAstm(row.raw.toString('latin1'), { sexField: registry.config(view.integrationId).lab?.astmFields?.patientSexField })
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
  // Kept identity: the samples carry the patient's and the owner's names as the device wrote them.
  const categories: DataCategory[] = ['device_samples', ...(!form.removeIdentity && ids.length ? (['patient_identity', 'owner_contact'] as const) : [])]
  return { payload, hash: createHash('sha256').update(payload).digest('hex'), samples: built.map((b) => b.sample), categories }
}
