/**
 * The PROVENIQ network's part of the API contract. PetMayday: the active missing-pet reports a
 * patient matches, from the list this workstation keeps (so it answers offline too).
 */
import { z } from 'zod'
import { EVERY_ROLE, Id, method } from './common'

export const MissingMatch = z.object({
  /** exact: the same microchip; possible: same species and name, last seen where the owner lives (a person confirms) */
  kind: z.enum(['exact', 'possible']),
  reportId: z.string(),
  /** normalised, as the report has it */
  microchip: z.string().nullable(),
  microchipRaw: z.string().nullable(),
  species: z.string(),
  breed: z.string().nullable(),
  colour: z.string().nullable(),
  sex: z.string(),
  name: z.string().nullable(),
  lastSeenArea: z.string(),
  lastSeenAt: z.string(),
  filedBy: z.object({ name: z.string(), kind: z.string() }),
  updatedAt: z.string()
})
export type MissingMatch = z.infer<typeof MissingMatch>

export const proveniqMethods = {
  'proveniq.missingMatches': method({
    input: z.object({ patientId: Id }).strict(),
    output: z.array(MissingMatch),
    access: EVERY_ROLE,
    description: 'Active PetMayday missing-pet reports this patient matches (exact microchip matches first), from the list kept on this workstation.'
  })
}
