/**
 * What makes the demo clinic look like a real one to the people who work in one: weights that fit
 * the breed and the animal's age, life spans that fit the species, visit reasons, colours and
 * vital signs that fit the animal. The generator (generate.ts) draws from these tables; the
 * demo-realism unit test checks what it wrote against independent limits.
 */

/** An adult of the breed: its usual weight, its usual life span, and when it is fully grown. */
export interface BreedProfile {
  adultKg: readonly [number, number]
  /** the age the demo's animals of this breed reach at most */
  lifeYears: number
  /** months until adult weight */
  grownMonths: number
}

const p = (lo: number, hi: number, lifeYears: number, grownMonths: number): BreedProfile => ({ adultKg: [lo, hi], lifeYears, grownMonths })

export const BREED_PROFILES: Record<string, BreedProfile> = {
  // dogs: small breeds live longer and grow up sooner
  'Labrador Retriever': p(25, 36, 13, 15),
  'German Shepherd': p(22, 40, 12, 18),
  'Golden Retriever': p(25, 34, 12, 15),
  'French Bulldog': p(8, 14, 11, 12),
  Beagle: p(9, 14, 14, 12),
  Poodle: p(18, 30, 14, 15),
  Dachshund: p(7, 14, 15, 10),
  Boxer: p(25, 32, 11, 18),
  'Border Collie': p(14, 22, 14, 14),
  'Shih Tzu': p(4, 8, 15, 10),
  'Mixed breed': p(8, 30, 14, 14),
  Chihuahua: p(1.5, 3, 16, 9),
  'Australian Shepherd': p(16, 32, 14, 15),
  'Cavalier King Charles Spaniel': p(5.5, 8.5, 12, 12),
  // cats
  'Domestic Shorthair': p(3.5, 6, 17, 12),
  'Domestic Longhair': p(3.5, 6.5, 17, 12),
  'Maine Coon': p(5.5, 9.5, 14, 24),
  Siamese: p(3, 5.5, 17, 12),
  Ragdoll: p(4.5, 9, 15, 24),
  Bengal: p(3.6, 7, 15, 12),
  Persian: p(3.2, 5.5, 15, 12),
  'British Shorthair': p(4, 8, 15, 18),
  Sphynx: p(3, 5, 14, 12),
  // rabbits
  'Holland Lop': p(1.3, 1.8, 10, 6),
  'Netherland Dwarf': p(1.05, 1.25, 10, 6),
  'Mini Rex': p(1.5, 2.0, 9, 6),
  Lionhead: p(1.3, 1.7, 9, 6),
  // birds
  Budgerigar: p(0.03, 0.045, 8, 3),
  Cockatiel: p(0.08, 0.12, 18, 6),
  'African Grey': p(0.4, 0.6, 35, 12),
  'Sun Conure': p(0.1, 0.13, 20, 8),
  // small mammals
  'Guinea pig': p(0.7, 1.2, 6, 8),
  'Syrian hamster': p(0.1, 0.18, 2.5, 3),
  'Fancy rat': p(0.25, 0.5, 2.5, 4),
  // reptiles
  'Bearded dragon': p(0.3, 0.55, 10, 18),
  'Leopard gecko': p(0.045, 0.08, 16, 18),
  'Ball python': p(1.0, 2.0, 25, 36),
  Ferret: p(0.7, 2.0, 8, 6),
  // horses
  'Quarter Horse': p(450, 560, 25, 48),
  Thoroughbred: p(450, 550, 25, 48),
  'Welsh Pony': p(200, 320, 28, 48)
}

/** A breed's weight at an age: growing along a straight line from 10% of adult at birth, then adult. */
export function weightRangeAt(breed: string, ageMonths: number): [number, number] | null {
  const b = BREED_PROFILES[breed]
  if (!b) return null
  const f = Math.min(1, 0.1 + (0.9 * Math.max(0, ageMonths)) / b.grownMonths)
  return [b.adultKg[0] * f, b.adultKg[1] * f]
}

/** Colours each kind of animal comes in (no calico dogs, no merle cats, no tabby snakes). */
export const COLORS_BY_SPECIES: Record<string, readonly string[]> = {
  canine: ['black', 'white', 'brown', 'tan', 'cream', 'brindle', 'merle', 'black and tan', 'black and white', 'red', 'fawn', 'tricolor'],
  feline: ['black', 'white', 'grey', 'tabby', 'tortoiseshell', 'calico', 'ginger', 'cream', 'black and white', 'seal point'],
  rabbit: ['white', 'brown', 'grey', 'black', 'agouti', 'broken black'],
  avian: ['green and yellow', 'grey', 'lutino', 'blue', 'yellow and orange'],
  rodent: ['golden', 'white', 'brown', 'agouti', 'tricolor', 'hooded'],
  reptile: ['tan with spots', 'yellow with spots', 'normal', 'banana', 'orange'],
  ferret: ['sable', 'albino', 'cinnamon', 'silver'],
  equine: ['bay', 'chestnut', 'grey', 'black', 'palomino', 'dun']
}

/** Neutering as practices see it: dogs, cats, rabbits and ferrets often; birds, reptiles and small rodents not. */
export function usuallyNeutered(species: string, sex: string): boolean {
  if (species === 'equine') return sex === 'male' // geldings; mares are not spayed
  return ['canine', 'feline', 'rabbit', 'ferret'].includes(species)
}

/**
 * Why an animal comes in, by species. The dog-and-cat list is the clinic's common one; its first
 * four are the demo waiting room's (a dog's wellness exam, a cat vomiting, a gecko limping, a
 * coughing cat), in that order.
 */
export const DOG_CAT_REASONS = [
  'Annual wellness exam and vaccines', 'Vomiting for two days', 'Limping on the right hind leg', 'Coughing', 'Itchy skin and ear scratching',
  'Dental cleaning', 'Recheck after surgery', 'Diarrhea', 'Not eating', 'Lump on the flank', 'Senior wellness bloodwork', 'Weight loss',
  'Increased thirst and urination', 'Eye discharge', 'Nail trim', 'Vaccine booster', 'Allergy flare-up', 'Laceration on paw'
]

export const VISIT_REASONS_BY_SPECIES: Record<string, readonly string[]> = {
  canine: DOG_CAT_REASONS,
  feline: DOG_CAT_REASONS.filter((r) => r !== 'Laceration on paw'),
  rabbit: ['Annual wellness exam and RHDV vaccine', 'Overgrown teeth', 'Not eating, no droppings', 'Nail trim', 'Sneezing and nasal discharge', 'Weight loss', 'Head tilt'],
  avian: ['Annual wellness exam', 'Beak and nail trim', 'Fluffed up and sleepy', 'Feather plucking', 'Weight loss', 'Not eating'],
  rodent: ['Wellness exam', 'Overgrown teeth', 'Lump on the flank', 'Hair loss', 'Sneezing', 'Weight loss'],
  reptile: ['Annual wellness exam and husbandry review', 'Not eating', 'Stuck shed', 'Limping on the right hind leg', 'Weight loss', 'Swollen jaw'],
  ferret: ['Annual wellness exam and distemper vaccine', 'Hair loss', 'Diarrhea', 'Weight loss', 'Itchy ears', 'Lethargy'],
  equine: ['Annual vaccines and dental float', 'Lameness, left fore', 'Colic signs', 'Pre-purchase exam', 'Coughing', 'Hoof abscess']
}

/** What the owner says, the vet finds and plans, by kind of animal (rabbits and horses cannot vomit; snakes have no BCS out of 9). */
export interface NoteWords {
  subjective: readonly string[]
  assessment: readonly string[]
  plan: readonly string[]
  /** temperature °C and heart rate, or null where they are not taken (reptiles) */
  vitals: { temp: readonly [number, number]; hr: readonly [number, number] } | null
  bcs: readonly string[]
}

const MAMMAL_PLANS = ['Recheck in 2 weeks', 'Bloodwork next visit', 'Continue current medication', 'Owner to monitor at home']

export const NOTE_WORDS: Record<string, NoteWords> = {
  canine: {
    subjective: ['normal appetite', 'reduced appetite', 'lethargy since yesterday', 'no other concerns', 'occasional vomiting'],
    assessment: ['Healthy', 'Mild gastroenteritis', 'Otitis externa', 'Dental disease grade 2', 'Osteoarthritis', 'Atopic dermatitis'],
    plan: [...MAMMAL_PLANS, 'Bland diet 3 days', 'Vaccines given; due again in 1 year'],
    vitals: { temp: [38.0, 39.2], hr: [70, 140] },
    bcs: ['BCS 4/9', 'BCS 5/9', 'BCS 6/9']
  },
  feline: {
    subjective: ['normal appetite', 'reduced appetite', 'hiding more than usual', 'no other concerns', 'occasional vomiting'],
    assessment: ['Healthy', 'Mild gastroenteritis', 'Dental disease grade 2', 'Early chronic kidney disease', 'Overweight', 'Flea allergy dermatitis'],
    plan: [...MAMMAL_PLANS, 'Vaccines given; due again in 1 year', 'Weight-loss diet'],
    vitals: { temp: [38.0, 39.2], hr: [140, 220] },
    bcs: ['BCS 4/9', 'BCS 5/9', 'BCS 6/9']
  },
  rabbit: {
    subjective: ['eating hay well', 'fewer droppings than usual', 'no other concerns', 'dropping food', 'sneezing'],
    assessment: ['Healthy', 'Dental malocclusion', 'GI stasis, mild', 'Upper respiratory infection', 'Overgrown nails'],
    plan: ['More hay, fewer pellets', 'Recheck teeth in 6 weeks', 'Critical care feeding 3 days', 'Continue current medication'],
    vitals: { temp: [38.5, 40.0], hr: [180, 280] },
    bcs: ['BCS 2/5', 'BCS 3/5', 'BCS 4/5']
  },
  avian: {
    subjective: ['singing as usual', 'sleeping more', 'plucking chest feathers', 'no other concerns'],
    assessment: ['Healthy', 'Overgrown beak', 'Feather-destructive behaviour', 'Seed-only diet: malnutrition risk'],
    plan: ['Move to a pelleted diet', 'More enrichment and perches', 'Recheck in 4 weeks', 'Beak and nails trimmed'],
    vitals: null,
    bcs: ['Keel score 2/5', 'Keel score 3/5']
  },
  rodent: {
    subjective: ['eating well', 'a lump noticed last week', 'losing fur on the back', 'no other concerns'],
    assessment: ['Healthy', 'Overgrown incisors', 'Subcutaneous mass', 'Mites'],
    plan: ['Incisors trimmed', 'Recheck in 2 weeks', 'Treat cage mates too', 'Owner to monitor the lump'],
    vitals: { temp: [37.0, 39.0], hr: [230, 380] },
    bcs: ['BCS 2/5', 'BCS 3/5', 'BCS 4/5']
  },
  reptile: {
    subjective: ['eating insects well', 'refusing food for two weeks', 'retained shed on the toes', 'no other concerns'],
    assessment: ['Healthy', 'Dysecdysis (stuck shed)', 'Suspected metabolic bone disease', 'Husbandry: basking spot too cool'],
    plan: ['Raise the basking temperature', 'Calcium and UVB review', 'Warm soaks every other day', 'Recheck in 4 weeks'],
    vitals: null,
    bcs: ['Tail base well fleshed', 'Tail base thin']
  },
  ferret: {
    subjective: ['playful as usual', 'losing fur on the tail', 'soft stools', 'no other concerns'],
    assessment: ['Healthy', 'Suspected adrenal disease', 'Ear mites', 'Mild enteritis'],
    plan: [...MAMMAL_PLANS, 'Distemper vaccine given; due again in 1 year'],
    vitals: { temp: [37.8, 40.0], hr: [180, 250] },
    bcs: ['BCS 4/9', 'BCS 5/9']
  },
  equine: {
    subjective: ['eating and drinking normally', 'off feed this morning', 'lame after turnout', 'no other concerns'],
    assessment: ['Healthy', 'Mild spasmodic colic, resolved', 'Sole abscess', 'Sharp enamel points'],
    plan: ['Dental float done', 'Hand-walk and recheck tomorrow', 'Poultice and box rest 3 days', 'Vaccines given; due again in 1 year'],
    vitals: { temp: [37.2, 38.3], hr: [28, 44] },
    bcs: ['BCS 5/9', 'BCS 6/9']
  }
}

/** Names owners give to females and to males; a name in neither fits either. */
export const FEMALE_NAMES = new Set(['Bella', 'Luna', 'Lucy', 'Daisy', 'Sadie', 'Molly', 'Stella', 'Zoe', 'Lola', 'Nala', 'Chloe', 'Cleo', 'Ginger', 'Rosie', 'Penny', 'Ruby', 'Hazel', 'Athena', 'Bonnie', 'Chloé', 'Maple', 'Coco'])
export const MALE_NAMES = new Set(['Max', 'Charlie', 'Cooper', 'Milo', 'Rocky', 'Buddy', 'Tucker', 'Bear', 'Duke', 'Oliver', 'Leo', 'Simba', 'Jasper', 'Winston', 'Murphy', 'Gus', 'Otis', 'Thor', 'Loki', 'Clyde', 'Apollo', 'Sir Fluffington', 'Mr. Bigglesworth', 'Señor Paws'])

/** The demo clinic's telephone area: its clients' numbers share the clinic's own prefix, (555) 01x-xxxx. */
export function localPhone(r: () => number): string {
  const digits = (k: number) => Array.from({ length: k }, () => Math.floor(r() * 10)).join('')
  return `(555) 01${digits(1)}-${digits(4)}`
}

/**
 * Whether a study fits the animal: intra-oral dental radiographs are for the teeth of dogs, cats,
 * rabbits, ferrets and rodents (never a gecko's, a snake's or a bird's); reptiles and birds have a
 * coelom, not an abdomen. Null when it fits, else why not.
 */
export function studyMisfit(species: string, modality: string, description: string): string | null {
  const dental = modality === 'IO' || /\bdental\b|\bteeth\b|mandible|maxilla/i.test(description)
  if (dental && !['canine', 'feline', 'rabbit', 'ferret', 'rodent', 'equine'].includes(species)) return `a ${species} has no teeth to radiograph`
  if (modality === 'IO' && species === 'equine') return 'a horse\'s teeth are radiographed from outside (DX), not with an intra-oral sensor'
  if (/abdomen/i.test(description) && ['reptile', 'avian'].includes(species)) return `a ${species} has a coelom, not an abdomen`
  return null
}
