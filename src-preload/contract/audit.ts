/**
 * The Audit Log's entries, search, action filter and export (audit.list and audit.verify are in
 * index.ts): the filter an auditor narrows the log with, and every entry it matches, to take out as a file.
 */
import { z } from 'zod'
import { EVERY_ROLE, Empty, Id, IsoDateTime, method } from './common'

/** Added to audit.list's filter and used by audit.export. */
export const AuditSearchFields = {
  /** words, each found somewhere in the entry: who, the action, what happened, its details, or the name of its patient (or the patient's owner) or client */
  search: z.string().trim().max(200).optional(),
  /** one action exactly, as audit.actions lists them */
  action: z.string().trim().max(100).optional()
}

/** One entry of the tamper-evident log, as the Audit Log screen shows it. */
export const AuditEntry = z.object({
  seq: z.number().int(),
  id: z.string(),
  occurredAt: z.string(),
  recordedAt: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  direction: z.enum(['inbound', 'outbound', 'internal']),
  integrationId: z.string().nullable(),
  patientId: z.string().nullable(),
  entityType: z.string().nullable(),
  entityId: z.string().nullable(),
  outcome: z.enum(['ok', 'refused', 'error']),
  summary: z.string(),
  details: z.string().nullable(),
  hash: z.string()
})
export type AuditEntry = z.infer<typeof AuditEntry>

/** An entry as exported: the names of its integration and patient beside their ids. */
export const AuditExportEntry = AuditEntry.extend({ integrationName: z.string().nullable(), patientName: z.string().nullable() })
export type AuditExportEntry = z.infer<typeof AuditExportEntry>

export const AuditExport = z.object({
  /** every matching entry, newest first, up to maxRows */
  entries: z.array(AuditExportEntry),
  /** more entries matched than maxRows: the file holds the newest maxRows */
  truncated: z.boolean(),
  maxRows: z.number().int()
})
export type AuditExport = z.infer<typeof AuditExport>

export const auditMethods = {
  'audit.actions': method({ input: Empty, output: z.array(z.string()), access: EVERY_ROLE, description: 'The actions the audit log holds, sorted, for its filter.' }),
  'audit.export': method({
    input: z
      .object({
        patientId: Id.optional(),
        integrationId: Id.optional(),
        actorId: Id.optional(),
        direction: z.enum(['inbound', 'outbound', 'internal']).optional(),
        from: IsoDateTime.optional(),
        to: IsoDateTime.optional(),
        ...AuditSearchFields
      })
      .strict(),
    output: AuditExport,
    access: EVERY_ROLE,
    description:
      'Every audit entry the filter matches (as audit.list, without paging; the newest 50,000 at most, saying so), with patient and integration names, for a CSV file. The export is itself audited (audit.exported, outbound), with who made it and the filter.'
  })
}
