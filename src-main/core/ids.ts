import { v7 as uuidv7 } from 'uuid'

/** Time-ordered ids made on the workstation, so rows from many devices merge without collisions. */
export function newId(): string {
  return uuidv7()
}
