/** Deterministic, believable clinic data for the demo and the benchmark. */
import { DOG_CAT_REASONS, localPhone } from './realism'

export function rng(seed: number): () => number {
  // mulberry32: small, fast, reproducible
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]

export const FIRST_NAMES = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Barbara', 'Richard', 'Susan',
  'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Carlos', 'Karen', 'Daniel', 'Lisa', 'Matthew', 'Nancy', 'Anthony', 'Betty', 'Mark', 'Sandra', 'Sofia',
  'Ashley', 'Steven', 'Kimberly', 'Andrew', 'Emily', 'Joshua', 'Donna', 'Kenji', 'Michelle', 'Kevin', 'Carol', 'Brian', 'Amanda', 'José', 'Mónica',
  'Zoë', 'Chloé', 'Björn', 'Aisha', 'Priya', 'Wei', 'Fatima', 'Liam', 'Noah', 'Olivia', 'Emma', 'Ava', 'Isabella', 'Mia', 'Ethan', 'Lucas', 'Nadia'
] as const

export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Wilson',
  'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis',
  'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Green', 'Adams', 'Nelson', 'Baker', 'Hall',
  'Rivera', 'Campbell', 'Mitchell', "O'Brien", 'Müller', 'Nakamura', 'Kowalski', 'Van der Berg', 'Dubois', 'Okafor', 'Patel', 'Kim', 'Novak', 'Larsen'
] as const

export const STREETS = ['Maple Ave', 'Oak St', 'Cedar Ln', 'Elm St', 'Pine Rd', 'Birch Way', 'Willow Dr', 'Main St', 'Lakeview Ct', 'Hillside Rd', 'River Rd']
export const TOWNS = ['Springfield', 'Riverton', 'Fairview', 'Greenville', 'Lakewood', 'Milton']

export const PET_NAMES = [
  'Bella', 'Max', 'Luna', 'Charlie', 'Lucy', 'Cooper', 'Bailey', 'Daisy', 'Milo', 'Sadie', 'Rocky', 'Molly', 'Buddy', 'Stella', 'Tucker', 'Bear',
  'Zoe', 'Duke', 'Lola', 'Oliver', 'Leo', 'Nala', 'Simba', 'Chloe', 'Cleo', 'Jasper', 'Pepper', 'Ginger', 'Shadow', 'Smokey', 'Whiskers', 'Mittens',
  'Tiger', 'Oreo', 'Biscuit', 'Peanut', 'Rosie', 'Winston', 'Murphy', 'Penny', 'Ruby', 'Gus', 'Otis', 'Ziggy', 'Maple', 'Hazel', 'Pumpkin', 'Coco',
  'Thor', 'Loki', 'Kiwi', 'Mango', 'Noodle', 'Pickles', 'Sir Fluffington', 'Mr. Bigglesworth', 'Señor Paws', 'Chloé', 'Bonnie', 'Clyde', 'Apollo', 'Athena'
] as const

export const BREEDS: Record<string, readonly string[]> = {
  canine: ['Labrador Retriever', 'German Shepherd', 'Golden Retriever', 'French Bulldog', 'Beagle', 'Poodle', 'Dachshund', 'Boxer', 'Border Collie', 'Shih Tzu', 'Mixed breed', 'Chihuahua', 'Australian Shepherd', 'Cavalier King Charles Spaniel'],
  feline: ['Domestic Shorthair', 'Domestic Longhair', 'Maine Coon', 'Siamese', 'Ragdoll', 'Bengal', 'Persian', 'British Shorthair', 'Sphynx'],
  rabbit: ['Holland Lop', 'Netherland Dwarf', 'Mini Rex', 'Lionhead'],
  avian: ['Budgerigar', 'Cockatiel', 'African Grey', 'Sun Conure'],
  rodent: ['Guinea pig', 'Syrian hamster', 'Fancy rat'],
  reptile: ['Bearded dragon', 'Leopard gecko', 'Ball python'],
  ferret: ['Ferret'],
  equine: ['Quarter Horse', 'Thoroughbred', 'Welsh Pony']
}

/** Species weighted as a small-animal practice sees them. */
export const SPECIES_MIX = ['canine', 'canine', 'canine', 'canine', 'canine', 'feline', 'feline', 'feline', 'feline', 'rabbit', 'avian', 'rodent', 'reptile', 'ferret', 'equine'] as const

/** The clinic's common reasons for a visit (a dog's or a cat's); realism.ts has them by species. */
export const VISIT_REASONS = DOG_CAT_REASONS

export const ALERTS: { kind: 'allergy' | 'behavior' | 'medical'; severity: 'info' | 'warning' | 'critical'; text: string }[] = [
  { kind: 'allergy', severity: 'critical', text: 'Penicillin allergy (anaphylaxis 2023)' },
  { kind: 'behavior', severity: 'warning', text: 'May bite when restrained; muzzle for exams' },
  { kind: 'medical', severity: 'warning', text: 'Diabetic: insulin twice daily' },
  { kind: 'medical', severity: 'info', text: 'Heart murmur grade II/VI' },
  { kind: 'allergy', severity: 'warning', text: 'Chicken food allergy' },
  { kind: 'behavior', severity: 'info', text: 'Anxious; give treats and go slowly' }
]

/** Alerts for the animals a muzzle or insulin does not fit (exotics, horses). */
export const OTHER_ALERTS: Record<string, typeof ALERTS> = {
  equine: [{ kind: 'behavior', severity: 'warning', text: 'Kicks with the hind legs; approach from the shoulder' }],
  other: [
    { kind: 'behavior', severity: 'warning', text: 'Bites when handled; use a towel' },
    { kind: 'behavior', severity: 'info', text: 'Stresses easily; keep handling short' }
  ]
}

/** A client's phone: in the clinic's own area, as its neighbours' are. */
export function phoneNumber(r: () => number): string {
  return localPhone(r)
}

export function isoMicrochip(r: () => number): string {
  const maker = pick(r, ['981', '985', '982', '977', '956', '900'])
  return maker + Array.from({ length: 12 }, () => Math.floor(r() * 10)).join('')
}
