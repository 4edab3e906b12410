import type { WeightUnit } from '../../../src-preload/contract'
import { useCall } from '../api/hooks'

const LB_IN_KG = 0.45359237

/** The clinic's weight unit (Settings): every weight field says it, and weights are shown in it. */
export function useWeightUnit(): WeightUnit {
  return useCall('clinic.get', {}, { staleTime: 60_000 }).data?.weightUnit ?? 'kg'
}

/** A stored weight (kg) in the clinic's unit: "9.98 kg", "22.0 lb", "30 g". */
export function showWeight(kg: number, unit: WeightUnit): string {
  if (unit === 'lb') {
    const lb = kg / LB_IN_KG
    return `${lb.toFixed(lb < 10 ? 2 : 1)} lb`
  }
  return kg < 1 ? `${Math.round(kg * 1000)} g` : `${kg.toFixed(kg < 10 ? 2 : 1)} kg`
}
