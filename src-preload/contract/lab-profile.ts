/** How one lab or analyzer speaks: its catalog, its codes, where it puts things (a profile is data, not code). */
import { z } from 'zod'
import { NonEmpty } from './common'

export const CatalogTest = z.object({
  code: NonEmpty(40),
  name: NonEmpty(120),
  specimen: z.string().trim().max(60).optional(),
  kind: z.enum(['panel', 'test']).default('test')
})
export type CatalogTest = z.infer<typeof CatalogTest>

/** The places (1-based field numbers, as in E1394) an analyzer puts what VetOS reads; absent: the standard's. */
export const ASTM_FIELDS = ['patientIdField', 'patientNameField', 'patientDobField', 'patientSexField', 'patientSpeciesField', 'sampleIdField', 'resultCodeField', 'resultCodeComponent', 'resultValueField', 'resultUnitsField', 'resultRangeField', 'resultFlagField', 'resultStatusField', 'resultTimeField', 'resultInstrumentField'] as const
export const AstmFields = z
  .object(Object.fromEntries(ASTM_FIELDS.map((k) => [k, z.number().int().min(k === 'patientSpeciesField' ? 0 : 1).max(40).optional()])) as Record<(typeof ASTM_FIELDS)[number], z.ZodOptional<z.ZodNumber>>)
  .strict()
export type AstmFields = z.infer<typeof AstmFields>

/**
 * How one lab or analyzer wants orders and sends results: its catalog and code mappings.
 * A new lab is mostly a new profile, not new code.
 */
export const LabProfile = z
  .object({
    orderMessage: z.enum(['ORM^O01', 'OML^O21']).default('ORM^O01'),
    /** the HL7 version VetOS writes in MSH-12 (absent: 2.5); OML^O21 exists from v2.4 only */
    hl7Version: z.enum(['2.5', '2.3.1']).optional(),
    /**
     * The PID fields this lab uses for the species and the breed (absent: 35 and 36, as in v2.4 and
     * later; a v2.3.1 lab has no such fields and often uses one of its own, or none)
     */
    pidSpeciesField: z.number().int().min(1).max(60).optional(),
    pidBreedField: z.number().int().min(1).max(60).optional(),
    /** MSH-3/4 we send as, and MSH-3 the lab sends as (routes its results to this integration) */
    application: z.string().trim().max(40).default('VETOS'),
    facility: z.string().trim().max(40).default(''),
    labApplication: z.string().trim().max(40).default(''),
    labFacility: z.string().trim().max(40).default(''),
    catalog: z.array(CatalogTest).max(1000).default([]),
    /** our species → the lab's code */
    speciesCodes: z.record(z.string(), z.string().max(40)).default({}),
    /** "male/neutered", "female/intact", … → the lab's sex code */
    sexCodes: z.record(z.string(), z.string().max(10)).default({}),
    /** ASTM analyzers: where this analyzer puts fields, when it differs from the standard (1-based field numbers) */
    astmFields: AstmFields.optional(),
    /** an analyzer's (or lab's) result codes → the clinic's code and name, so trends line up across instruments */
    codeMap: z.record(z.string(), z.object({ code: z.string().max(40), name: z.string().max(120) })).optional(),
    /** ASTM analyzers: the sender name VetOS writes in its H records */
    astmSender: z.string().max(40).optional()
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.hl7Version === '2.3.1' && p.orderMessage === 'OML^O21') ctx.addIssue({ code: 'custom', path: ['orderMessage'], message: 'OML^O21 exists from HL7 v2.4: a v2.3.1 lab takes ORM^O01' })
    for (const k of ['pidSpeciesField', 'pidBreedField'] as const) {
      const n = p[k]
      // PID fields VetOS already fills or reads for something else.
      if (n !== undefined && [1, 2, 3, 4, 5, 7, 8].includes(n)) ctx.addIssue({ code: 'custom', path: [k], message: `PID-${n} holds the patient's ${n === 5 ? 'name' : n === 7 ? 'date of birth' : n === 8 ? 'sex' : 'identifiers'}` })
    }
    if (p.pidSpeciesField !== undefined && p.pidSpeciesField === p.pidBreedField) ctx.addIssue({ code: 'custom', path: ['pidBreedField'], message: 'is the species field too' })
  })
export type LabProfile = z.infer<typeof LabProfile>

