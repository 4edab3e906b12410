/** The species as people say them (the renderer has its own copy in format.ts). */
export const SPECIES_NAMES: Record<string, string> = {
  canine: 'Dog', feline: 'Cat', equine: 'Horse', bovine: 'Cattle', ovine: 'Sheep', caprine: 'Goat', porcine: 'Pig', avian: 'Bird',
  rabbit: 'Rabbit', rodent: 'Rodent', reptile: 'Reptile', ferret: 'Ferret', other: 'Other'
}
