/**
 * Requests to VetOS support for a new integration: what system, vendor, model and how it is wired,
 * with sample messages captured from it (patient identity removed unless the administrator keeps
 * it). The administrator reviews the exact payload first; sending it needs the hash of what was
 * reviewed, so nothing different can leave. It goes only through the consent gate, to the clinic's
 * "VetOS support" integration, and waits in the outbound queue while the desk cannot be reached.
 */
import { z } from 'zod'
import { ADMIN, Id, NonEmpty, Optional, OptionalText, method } from './common'

export const REQUEST_SYSTEMS = ['reference_lab', 'analyzer', 'imaging', 'payments', 'other'] as const
export const RequestSystem = z.enum(REQUEST_SYSTEMS)
export type RequestSystem = z.infer<typeof RequestSystem>

export const REQUEST_WIRINGS = ['serial', 'network', 'usb', 'internet', 'other'] as const
export const RequestWiring = z.enum(REQUEST_WIRINGS)
export type RequestWiring = z.infer<typeof RequestWiring>

const fields = {
  system: RequestSystem,
  vendor: NonEmpty(120),
  model: NonEmpty(120),
  wiring: RequestWiring,
  /** ports, cable, address: whatever the clinic knows about the connection */
  wiringDetail: Optional(300),
  contactName: NonEmpty(120),
  contactPhone: Optional(40),
  contactEmail: Optional(200).refine((v) => !v || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), 'must be an e-mail address'),
  notes: OptionalText(4000),
  /** captured messages (integrations.captures) to attach */
  sampleIds: z.array(Id).max(20, 'attach at most 20 samples').default([]),
  /** patient identity removed from the samples (the default); off, the raw messages go */
  removeIdentity: z.boolean().default(true)
}

/** Support calls someone back: a phone number or an e-mail address is needed. */
const reachable = (v: { contactPhone?: string | null; contactEmail?: string | null }, ctx: z.RefinementCtx) => {
  if (!v.contactPhone && !v.contactEmail) ctx.addIssue({ code: 'custom', path: ['contactPhone'], message: 'give a phone number or an e-mail address support can reach' })
}

export const IntegrationRequestForm = z.object(fields).strict().superRefine(reachable)
export type IntegrationRequestForm = z.input<typeof IntegrationRequestForm>

export const RequestSample = z.object({
  captureId: Id,
  integrationName: z.string(),
  transport: z.string(),
  messageType: z.string().nullable(),
  receivedAt: z.string(),
  /** exactly what goes for this sample, as text */
  text: z.string(),
  /** where identity was removed (PID-5, P-6, (0010,0010)); empty when it was kept */
  removed: z.array(z.string())
})
export type RequestSample = z.infer<typeof RequestSample>

export const IntegrationRequestPreview = z.object({
  /** the exact bytes that would be sent (JSON) */
  payload: z.string(),
  /** SHA-256 of the payload, hex: requestSend takes it back */
  hash: z.string(),
  samples: z.array(RequestSample),
  /** the data categories the support integration must be approved for */
  categories: z.array(z.string()),
  /** where it would go; null when no VetOS support integration is set up (sending will say what to do) */
  destination: z.object({ integrationId: Id, name: z.string(), approved: z.boolean(), /** the categories its approval does not cover yet */ missing: z.array(z.string()) }).nullable()
})
export type IntegrationRequestPreview = z.infer<typeof IntegrationRequestPreview>

export const IntegrationRequest = z.object({
  id: Id,
  createdAt: z.string(),
  requestedByName: z.string(),
  system: RequestSystem,
  vendor: z.string(),
  model: z.string(),
  wiring: RequestWiring,
  wiringDetail: z.string().nullable(),
  contactName: z.string(),
  contactPhone: z.string().nullable(),
  contactEmail: z.string().nullable(),
  notes: z.string().nullable(),
  sampleIds: z.array(z.string()),
  identityRemoved: z.boolean(),
  categories: z.array(z.string()),
  payloadHash: z.string(),
  status: z.enum(['queued', 'sent', 'refused', 'failed']),
  ticket: z.string().nullable(),
  /** the last failed try while queued, or why it was refused or failed */
  lastError: z.string().nullable(),
  sentAt: z.string().nullable()
})
export type IntegrationRequest = z.infer<typeof IntegrationRequest>

export const supportMethods = {
  'support.requestPreview': method({
    input: IntegrationRequestForm,
    output: IntegrationRequestPreview,
    access: ADMIN,
    description: 'The exact payload a request for a new integration would send to VetOS support, each sample as text, the categories it needs and its hash.'
  }),
  'support.requestSend': method({
    input: z
      .object({ ...fields, hash: z.string().regex(/^[0-9a-f]{64}$/, 'must be the hash of the reviewed payload') })
      .strict()
      .superRefine(reachable),
    output: IntegrationRequest,
    access: ADMIN,
    description: 'Queues the reviewed request to VetOS support through the consent gate; refused when what would be sent now differs from what was reviewed.'
  }),
  'support.requests': method({
    input: z.object({ limit: z.number().int().min(1).max(200).default(50) }).strict(),
    output: z.array(IntegrationRequest),
    access: ADMIN,
    description: 'Requests for new integrations sent from this workstation, newest first, with their status and support ticket.'
  })
}
