/**
 * What forms share across the contract: a weight as the person typed it (the core reads the text,
 * so "1e5" or "1,5" is refused for every caller, not only in one form), the confirmation flag of a
 * needs-confirmation refusal, and the likely duplicates such a refusal names.
 */
import { z } from 'zod'

export const WEIGHT_UNITS = ['kg', 'lb'] as const
export type WeightUnit = (typeof WEIGHT_UNITS)[number]

/** A weight as typed, with its unit: "12.5" kg, "27" lb. */
export const WeightText = z.object({ text: z.string().max(30, 'is too long for a weight'), unit: z.enum(WEIGHT_UNITS) }).strict()
export type WeightText = z.infer<typeof WeightText>

/**
 * true: the person saw the warnings of a needs-confirmation answer (a weight or age outside the
 * plausible range, a likely duplicate) and confirms them. Impossible values are refused anyway.
 */
export const Confirm = z.boolean().optional()

/** An existing record a new one probably duplicates. */
export interface DuplicateRecord {
  kind: 'client' | 'patient'
  id: string
  /** "Théo Marchand", "Bella (Dog)" */
  label: string
  /** why it is likely the same: "same name and phone (475) 555-0199" */
  reason: string
}
