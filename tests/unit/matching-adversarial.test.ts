/**
 * The matching rule tried as an unlucky clinic and a careless lab would: households with
 * same-named pets, siblings, namesakes, swapped components, diacritics, several patients in one
 * message, contradicting references, cancelled and reviewed orders, for HL7, ASTM and DICOM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dicomPatient, matchingClinic, oRecords, obr, pRecord, pid, type MatchingClinic, type Pet, type PetInput } from '../helpers/matching'

const LUNA: PetInput = { name: 'Luna', ownerLast: 'García', ownerFirst: 'Ana', species: 'canine', sex: 'female', neuter: 'neutered', dob: '2019-05-01', breed: 'Labrador Retriever' }

describe('the matching rule against near-miss identities', () => {
  let c: MatchingClinic
  let ana: Pet // Ana García's Luna
  let luis: Pet // Luis Garcia's Luna: another household, same surname, same pet name and birthday
  let sol: Pet // Luna's littermate in Ana's household
  let cat: Pet // a cat called Luna, owner García too
  let maxi: Pet // an unrelated dog
  beforeAll(async () => {
    c = await matchingClinic()
    ana = c.pet(LUNA, 'ana')
    sol = c.pet({ ...LUNA, name: 'Sol', sex: 'male' }, 'ana')
    luis = c.pet({ ...LUNA, ownerLast: 'Garcia', ownerFirst: 'Luis' })
    cat = c.pet({ ...LUNA, ownerFirst: 'Marta', species: 'feline', breed: 'Domestic shorthair' })
    maxi = c.pet({ ...LUNA, name: 'Maxi', ownerLast: 'Okafor', ownerFirst: 'Chidi', sex: 'male' })
  })
  afterAll(() => c.close())

  describe('HL7', () => {
    it("compares the owner's given name the lab sends in NK1: the other household's Luna goes to review", () => {
      const o = c.order(ana.id)
      expect(c.hl7([...pid({ ...ana, id: undefined, ownerFirst: 'Luis' }), ...obr(o.orderNumber)])).toMatchObject([{ attachedTo: null, reasons: [`owner's first name "Luis" differs from "Ana"`] }])
      expect(c.hl7([...pid({ ...ana, id: undefined }), ...obr(o.orderNumber)])[0].attachedTo).toBe(ana.id)
    })

    it('sends a result to review when NK1 names another owner family than PID-5, and ignores non-owner relations', () => {
      const o = c.order(ana.id)
      const [conflict] = c.hl7([...pid({ ...ana, ownerFirst: undefined }, false), 'NK1|1|Garza^Ana|OWN', ...obr(o.orderNumber)])
      expect(conflict.attachedTo).toBeNull()
      expect(conflict.reasons).toContain('the owner is "García" in PID-5 but "Garza" in NK1')
      expect(c.hl7([...pid({ ...ana }, false), 'NK1|1|Okafor^Chidi|EMC', ...obr(o.orderNumber)])[0].attachedTo).toBe(ana.id)
    })

    it('never lets a second patient group inherit the first one’s order or identity', () => {
      const o = c.order(ana.id)
      const where = c.hl7([...pid(ana), ...obr(o.orderNumber), 'PID|2', 'OBR|1|||CBC^Complete blood count|||20261128080000|||||||||||||||||F', 'OBX|1|NM|WBC^White blood cells^L||99|10*9/L|6.0-17.0|H|||F'])
      expect(where.map((w) => w.attachedTo)).toEqual([ana.id, null])
      expect(where[1].reasons).toContain('the result carries no order number')
      // A second group with its own identity but no order number of its own, after an ORC of the first.
      const [, second] = c.hl7([...pid(ana), `ORC|RE|${o.orderNumber}|F-${o.orderNumber}`, 'OBR|1|||CBC', 'OBX|1|NM|WBC^WBC^L||1|x||N|||F', ...pid(luis), 'OBR|2|||CBC', 'OBX|1|NM|WBC^WBC^L||2|x||N|||F'])
      expect(second.attachedTo).toBeNull()
    })

    it('matches every patient group of one message on its own', () => {
      const a = c.order(ana.id)
      const b = c.order(luis.id)
      const where = c.hl7([...pid(ana), ...obr(a.orderNumber), ...pid(luis), ...obr(b.orderNumber)])
      expect(where.map((w) => w.attachedTo)).toEqual([ana.id, luis.id])
      // The same two orders with the groups' identities swapped: both to review.
      expect(c.hl7([...pid(luis), ...obr(a.orderNumber), ...pid(ana), ...obr(b.orderNumber)]).map((w) => w.attachedTo)).toEqual([null, null])
    })

    it('needs more than an order number: our patient id, or the pet’s and owner’s names', () => {
      const o = c.order(ana.id)
      const [empty] = c.hl7(['PID|1', ...obr(o.orderNumber)])
      expect(empty.attachedTo).toBeNull()
      expect(empty.reasons[0]).toMatch(/does not identify the patient/)
      expect(c.hl7([...pid({ name: 'Luna' }), ...obr(o.orderNumber)])[0].attachedTo).toBeNull()
      expect(c.hl7([...pid({ ownerLast: 'García' }), ...obr(o.orderNumber)])[0].attachedTo).toBeNull()
      expect(c.hl7([...pid({ id: ana.id }), ...obr(o.orderNumber)])[0].attachedTo).toBe(ana.id)
      expect(c.hl7([...pid({ name: 'Luna', ownerLast: 'Garcia' }), ...obr(o.orderNumber)])[0].attachedTo).toBe(ana.id)
    })

    it('sends contradicting references to review: ORC-2 against OBR-2, and a lab number that is another order’s', () => {
      const a = c.order(ana.id)
      const b = c.order(ana.id)
      const [split] = c.hl7([...pid(ana), `ORC|RE|${b.orderNumber}`, `OBR|1|${a.orderNumber}||CBC`, 'OBX|1|NM|WBC^WBC^L||1|x||N|||F'])
      expect(split.attachedTo).toBeNull()
      expect(split.reasons).toContain(`ORC and OBR name different orders (${b.orderNumber} / ${a.orderNumber})`)
      expect(c.hl7([...pid(ana), ...obr(a.orderNumber, 'LAB-77')])[0].attachedTo).toBe(ana.id)
      const [crossed] = c.hl7([...pid(ana), ...obr(b.orderNumber, 'LAB-77')])
      expect(crossed.attachedTo).toBeNull()
      expect(crossed.reasons).toContain(`the lab's number LAB-77 belongs to order ${a.orderNumber}, not ${b.orderNumber}`)
    })

    it('normalizes case, spacing and diacritics, but never accepts swapped or near components', () => {
      const o = c.order(ana.id)
      expect(c.hl7([...pid({ ...ana, ownerLast: '  GARCIA ', name: 'lúna', ownerFirst: 'ÁNA' }), ...obr(o.orderNumber)])[0].attachedTo).toBe(ana.id)
      expect(c.hl7([...pid({ ...ana, id: undefined, ownerLast: 'Luna', name: 'García' }), ...obr(o.orderNumber)])[0].attachedTo).toBeNull()
      expect(c.hl7([...pid({ ...ana, id: undefined, name: 'Lunna' }), ...obr(o.orderNumber)])[0].attachedTo).toBeNull()
      // the littermate's name with Luna's order
      expect(c.hl7([...pid({ ...sol, id: undefined }), ...obr(o.orderNumber)])[0].attachedTo).toBeNull()
      expect(c.hl7([...pid({ ...ana, breed: 'Golden Retriever' }), ...obr(o.orderNumber)])[0].reasons).toEqual(['breed "Golden Retriever" differs from "Labrador Retriever"'])
    })

    it('sends results for a cancelled order to review, and for a reviewed one unless they correct it', () => {
      const cancelled = c.order(ana.id)
      c.t.call('labs.cancelOrder', { orderId: cancelled.id, reason: 'owner declined' })
      expect(c.hl7([...pid(ana), ...obr(cancelled.orderNumber)])[0]).toMatchObject({ attachedTo: null, reasons: [`order ${cancelled.orderNumber} is cancelled`] })
      const o = c.order(ana.id)
      expect(c.hl7([...pid(ana), ...obr(o.orderNumber)])[0].attachedTo).toBe(ana.id)
      c.t.call('labs.markReviewed', { orderId: o.id })
      expect(c.hl7([...pid(ana), ...obr(o.orderNumber)])[0].attachedTo).toBeNull()
      const correction = obr(o.orderNumber).map((s) => s.replace(/\|F$/, '|C'))
      expect(c.hl7([...pid(ana), ...correction])[0].attachedTo).toBe(ana.id)
    })

    it('keeps a result a person rejected in review from attaching when the lab sends it again', () => {
      const o = c.order(ana.id)
      const [first] = c.hl7([...pid({ ...ana, name: 'Lunaa' }), ...obr(o.orderNumber)])
      expect(first.attachedTo).toBeNull()
      c.t.call('labs.reject', { reportId: first.id, reason: 'not our dog' })
      expect(c.hl7([...pid({ ...ana, name: 'Lunaa' }), ...obr(o.orderNumber)])[0].attachedTo).toBeNull()
    })

    it('ranks by species: the cat called Luna comes after both dogs for a canine result', () => {
      const [r] = c.hl7([...pid({ name: 'Luna', ownerLast: 'Garcia', species: 'canine' }), ...obr('NOT-OURS')])
      const item = c.t.call('labs.reviewQueue', { limit: 500 }).find((i) => i.reportId === r.id)!
      const score = (id: string) => item.candidates.find((x) => x.patientId === id)?.score ?? -Infinity
      expect(item.candidates.slice(0, 2).map((x) => x.patientId).sort()).toEqual([ana.id, luis.id].sort())
      expect(score(cat.id)).toBeLessThan(score(luis.id))
      expect(item.candidates.find((x) => x.patientId === luis.id)!.reasons).toContain('species matches')
    })
  })

  describe('ASTM', () => {
    it("attaches only when the P record is the order's patient", async () => {
      const o = c.order(ana.id, c.analyzerId)
      expect((await c.astm([pRecord(ana), ...oRecords(o.orderNumber)]))[0].attachedTo).toBe(ana.id)
      expect((await c.astm([pRecord(luis), ...oRecords(o.orderNumber)]))[0].attachedTo).toBeNull()
      expect((await c.astm([pRecord({ ...luis, id: undefined, ownerLast: 'García' }), ...oRecords(o.orderNumber)]))[0].attachedTo).toBe(ana.id) // namesake owners differ only in a field ASTM does not carry
    })

    it('never lets an O record borrow another patient: no P, an empty P, or only a pet name go to review', async () => {
      const o = c.order(ana.id, c.analyzerId)
      expect((await c.astm(oRecords(o.orderNumber)))[0].attachedTo).toBeNull()
      expect((await c.astm(['P|1', ...oRecords(o.orderNumber)]))[0].attachedTo).toBeNull()
      expect((await c.astm([`P|1||||Luna`, ...oRecords(o.orderNumber)]))[0].attachedTo).toBeNull()
      const where = await c.astm([pRecord(ana, 1), ...oRecords(o.orderNumber), 'P|2', ...oRecords(o.orderNumber, 1)])
      expect(where.map((w) => w.attachedTo)).toEqual([ana.id, null])
    })
  })

  describe('DICOM', () => {
    it("compares the Responsible Person's given name and family name", () => {
      const r = c.request(ana.id)
      expect(c.dicom(dicomPatient({ ...ana, ownerFirst: 'Luis', id: undefined }), { accessionNumber: r.accessionNumber })).toMatchObject({ attachedTo: null, reasons: [`owner's first name "Luis" differs from "Ana"`] })
      const r2 = c.request(ana.id)
      expect(c.dicom(dicomPatient(ana), { accessionNumber: r2.accessionNumber }).attachedTo).toBe(ana.id)
    })

    it('sends an accession of one request with the study UID of another, or of none, to review', () => {
      const a = c.request(ana.id)
      const b = c.request(ana.id)
      expect(c.dicom(dicomPatient(ana), { accessionNumber: a.accessionNumber, studyInstanceUid: b.studyInstanceUid }).attachedTo).toBeNull()
      const other = c.request(ana.id)
      const unknown = c.dicom(dicomPatient(ana), { accessionNumber: 'MODALITY-1', studyInstanceUid: other.studyInstanceUid })
      expect(unknown).toMatchObject({ attachedTo: null, reasons: [`the Study Instance UID is request ${other.accessionNumber}'s, but the accession number is MODALITY-1`] })
      expect(c.dicom(dicomPatient(ana), { studyInstanceUid: c.request(ana.id).studyInstanceUid }).attachedTo).toBe(ana.id)
    })

    it('needs the patient named, not only the accession', () => {
      const r = c.request(ana.id)
      expect(c.dicom(dicomPatient({}), { accessionNumber: r.accessionNumber }).attachedTo).toBeNull()
      expect(c.dicom(dicomPatient({ name: 'Luna', species: 'canine' }), { accessionNumber: r.accessionNumber }).attachedTo).toBeNull()
      expect(c.dicom(dicomPatient({ ...cat, id: undefined }), { accessionNumber: r.accessionNumber }).attachedTo).toBeNull()
      expect(c.dicom(dicomPatient({ ...maxi }), { accessionNumber: r.accessionNumber }).attachedTo).toBeNull()
    })
  })
})
