/**
 * Words that say what kind of animal a patient is, never who it is: an ASTM P record keeps a field
 * only when everything in it is one of these (analyzers put species and breed in places of their
 * own choosing, next to the owner's and the pet's names). Compared ignoring case and accents.
 */
import { SPECIES } from '../../src-preload/contract'

const WORDS = [
  ...SPECIES,
  // What analyzers write for a species.
  'dog', 'cat', 'horse', 'cow', 'cattle', 'sheep', 'goat', 'pig', 'bird', 'parrot', 'hamster', 'guinea pig', 'rat', 'mouse', 'lizard', 'snake', 'tortoise', 'turtle', 'exotic', 'k9', 'can', 'fel', 'equ', 'bov', 'lapine',
  // Breeds clinics meet most.
  'mixed', 'mixed breed', 'crossbreed', 'mongrel', 'labrador', 'labrador retriever', 'golden retriever', 'german shepherd', 'french bulldog', 'bulldog', 'beagle', 'poodle', 'dachshund', 'boxer', 'border collie', 'collie', 'shih tzu', 'chihuahua', 'australian shepherd', 'cavalier king charles spaniel', 'cocker spaniel', 'springer spaniel', 'yorkshire terrier', 'jack russell terrier', 'terrier', 'rottweiler', 'husky', 'siberian husky', 'greyhound', 'whippet', 'pug', 'schnauzer', 'great dane', 'doberman',
  'domestic shorthair', 'domestic longhair', 'domestic medium hair', 'dsh', 'dlh', 'dmh', 'maine coon', 'siamese', 'ragdoll', 'bengal', 'persian', 'british shorthair', 'sphynx',
  'holland lop', 'netherland dwarf', 'mini rex', 'lionhead', 'budgerigar', 'cockatiel', 'african grey', 'sun conure', 'syrian hamster', 'fancy rat',
  'thoroughbred', 'quarter horse', 'arabian', 'pony', 'holstein', 'angus', 'hereford', 'jersey'
]

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase().trim().replace(/[\s_-]+/g, ' ')
const KNOWN = new Set(WORDS.map(fold))

export const isAnimalWord = (value: string): boolean => KNOWN.has(fold(value))
