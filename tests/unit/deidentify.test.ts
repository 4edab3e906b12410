/**
 * What leaves for VetOS support from a captured message: no name, id, birth date, address, phone
 * or doctor of the patient, wherever a device put them; the structure, codes, values and the
 * animal's species, breed and sex still there for support to build the profile.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { escape, unescape } from '../../src-main/hl7/codec'
import { DeidentifyError, deidentifyAstm, deidentifyDicom, deidentifyHl7, REMOVED } from '../../src-main/support/deidentify'

const hl7 = (...segments: string[]) => ['MSH|^~\\&|REFLAB|LAB1|VETOS|RIVERSIDE|20261128093000||ORU^R01|C1|P|2.5', ...segments].join('\r')
const seg = (text: string, name: string) => text.split('\n').find((l) => l.startsWith(`${name}|`))!
const field = (line: string, n: number) => line.split('|')[n]

describe('HL7 results without patient identity', () => {
  const message = hl7(
    'PID|1|X-77|P-1001^^^VETOS~CHIP985112345678901^^^MC||Okafor^Biscuit^J||20190412|F|||12 Elm Road^^Springfield^IL^62704||(217) 555-0142^PRN^PH~^NET^Internet^nkem.okafor@example.com||||ACC-55||||||||||||||||||CAN^Canine|LAB^Labrador Retriever',
    'NK1|1|Okafor^Nkem|OWN^Owner|12 Elm Road^^Springfield|(217) 555-0142',
    'PV1|1|O|||||V100^Adeyemi^Grace^^^Dr|V200^Lindqvist^Sven',
    'ORC|RE|ORD-42|F-42|||||||||V100^Adeyemi^Grace',
    'OBR|1|ORD-42|F-42|CBC^Complete blood count|||20261128080000|||||||||V100^Adeyemi^Grace||||||||||F',
    'OBX|1|NM|WBC^White blood cells^L||12.5|10*9/L|6.0-17.0|N|||F',
    'OBX|2|TX|COMM^Comment^L||Biscuit was sedated; Dr Adeyemi informed Mrs OKAFOR at 217 555-0142||||||F',
    'NTE|1||Sample from biscuit (P-1001), call nkem.okafor@example.com'
  )
  const out = deidentifyHl7(message)

  it('removes names, ids, birth date, address and phones from PID and NK1, keeping species, breed and sex in place', () => {
    const pid = seg(out.text, 'PID')
    expect(field(pid, 1)).toBe('1')
    expect(field(pid, 3)).toBe(`${REMOVED}^^^${REMOVED}~${REMOVED}^^^${REMOVED}`)
    expect(field(pid, 5)).toBe(`${REMOVED}^${REMOVED}^${REMOVED}`)
    expect(field(pid, 7)).toBe(REMOVED)
    expect(field(pid, 8)).toBe('F')
    expect(field(pid, 35)).toBe('CAN^Canine')
    expect(field(pid, 36)).toBe('LAB^Labrador Retriever')
    expect(pid.split('|')).toHaveLength(message.split('\r')[1].split('|').length)
    expect(seg(out.text, 'NK1')).toBe(`NK1|1|${REMOVED}^${REMOVED}|OWN^Owner|${REMOVED}^^${REMOVED}|${REMOVED}`)
    expect(out.removed).toEqual(expect.arrayContaining(['PID-5', 'PID-7', 'NK1-2']))
  })

  it('removes the ordering and attending doctors, and keeps order numbers, codes, values, units, ranges and flags', () => {
    expect(field(seg(out.text, 'PV1'), 7)).toBe(`${REMOVED}^${REMOVED}^${REMOVED}^^^${REMOVED}`)
    expect(field(seg(out.text, 'ORC'), 12)).toBe(`${REMOVED}^${REMOVED}^${REMOVED}`)
    const obr = seg(out.text, 'OBR')
    expect(field(obr, 2)).toBe('ORD-42')
    expect(field(obr, 3)).toBe('F-42')
    expect(field(obr, 16)).toBe(`${REMOVED}^${REMOVED}^${REMOVED}`)
    expect(out.text).toContain('OBX|1|NM|WBC^White blood cells^L||12.5|10*9/L|6.0-17.0|N|||F')
  })

  it('takes every found name, id and phone out of free text, whatever its case, and e-mail addresses too', () => {
    expect(out.text).toContain(`OBX|2|TX|COMM^Comment^L||${REMOVED} was sedated; Dr ${REMOVED} informed Mrs ${REMOVED} at ${REMOVED}||||||F`)
    expect(seg(out.text, 'NTE')).toBe(`NTE|1||Sample from ${REMOVED} (${REMOVED}), call ${REMOVED}`)
    for (const secret of ['Okafor', 'OKAFOR', 'Biscuit', 'biscuit', 'Nkem', 'Adeyemi', 'Grace', 'Lindqvist', '20190412', 'Elm Road', '555-0142', 'P-1001', '985112345678901', 'ACC-55', 'example.com']) expect(out.text).not.toContain(secret)
  })

  it('finds names written with accents, escaped delimiters or hex escapes, and only as whole words', () => {
    const out = deidentifyHl7(
      hl7(
        'PID|1||P-9||O\\S\\Brien^Zoë||||||||||||||||||||||||||||||FEL^Feline',
        'NTE|1||ZOE (owner O\\S\\Brien) ate; \\X5A6F65\\ is fine. Zoetis kit, maximum dose',
        'NTE|2||o^brien'
      )
    )
    const notes = out.text.split('\n').filter((l) => l.startsWith('NTE'))
    expect(notes[0]).toBe(`NTE|1||${REMOVED} (owner ${REMOVED}) ate; ${REMOVED} is fine. Zoetis kit, maximum dose`)
    // A word of a name is removed on its own too: "Brien" written apart is still the owner.
    expect(notes[1]).toBe(`NTE|2||o^${REMOVED}`)
    expect(field(seg(out.text, 'PID'), 35)).toBe('FEL^Feline')
  })

  it('finds every repetition of a name field, also in repeated PID and NK1 segments', () => {
    const out = deidentifyHl7(
      hl7('PID|1||A1||Smith^Rex~Smyth^Rexy', 'NK1|1|Jones^Pat', 'NK1|2|Ng^Alexandra', 'PID|2||A2||Brown^Bella', 'NTE|1||Rexy and Bella live with Alexandra Ng; Smyth pays')
    )
    expect(seg(out.text, 'NTE')).toBe(`NTE|1||${REMOVED} and ${REMOVED} live with ${REMOVED} ${REMOVED}; ${REMOVED} pays`)
  })

  it('keeps codes, units and values that merely look like a piece of an identity (a pet named Ng, a phone’s use code PH, an id ending 1001)', () => {
    const out = deidentifyHl7(
      hl7('PID|1||P-1001||Ng^Bo||||||||(217) 555-0142^PRN^PH', 'OBX|1|NM|PH^pH^L||7.4||7.0-7.6|N|||F', 'OBX|2|NM|INS^Insulin^L||1001|ng/mL|5-20|H|||F', 'NTE|1||Bo: call +1 217.555.0142 or Ng at home; pH ok')
    )
    expect(out.text).toContain('OBX|1|NM|PH^pH^L||7.4||7.0-7.6|N|||F')
    expect(out.text).toContain('OBX|2|NM|INS^Insulin^L||1001|ng/mL|5-20|H|||F')
    expect(seg(out.text, 'NTE')).toBe(`NTE|1||${REMOVED}: call ${REMOVED} or ${REMOVED} at home; pH ok`)
  })

  it('reads the delimiters the sender declares, and removes a breed field that holds more than animal words', () => {
    const pid = ['PID', '1', '', 'ID-4', '', 'Okafor*Biscuit', ...Array(29).fill(''), 'Canine', 'Labrador (Biscuit)']
    const out = deidentifyHl7(['MSH#*~\\$#LAB#L#V#V#2026##ORU*R01#C9#P#2.5', pid.join('#'), 'NTE#1##biscuit*okafor'].join('\r'))
    const lines = out.text.split('\n')
    const expected = [...pid]
    expected[3] = REMOVED
    expected[5] = `${REMOVED}*${REMOVED}`
    // "Labrador (Biscuit)": the pet's name beside the breed; the field goes as a whole.
    expected[36] = REMOVED
    expect(lines[1]).toBe(expected.join('#'))
    expect(lines[2]).toBe(`NTE#1##${REMOVED}*${REMOVED}`)
  })

  it('reads a message with no patient segments at all, changing nothing but what names somebody', () => {
    const plain = hl7('OBR|1|ORD-1|F-1|CHEM^Chemistry', 'OBX|1|NM|ALT^ALT||45|U/L|10-100|N|||F')
    expect(deidentifyHl7(plain).text).toBe(plain.replace(/\r/g, '\n'))
  })

  it('drops an embedded PDF report whole, and base64 in a value whatever its type claims', () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Title (Okafor Biscuit CBC) >>\n'.repeat(20)).toString('base64')
    const out = deidentifyHl7(hl7('PID|1||P-1||Okafor^Biscuit', `OBX|1|ED|PDF^Report^L||LAB^application^pdf^Base64^${pdf}||||||F`, `OBX|2|ST|IMG^Image^L||${pdf}||||||F`))
    const obx = out.text.split('\n').filter((l) => l.startsWith('OBX'))
    expect(obx[0]).toBe(`OBX|1|ED|PDF^Report^L||${REMOVED}||||||F`)
    expect(obx[1]).toBe(`OBX|2|ST|IMG^Image^L||${REMOVED}||||||F`)
    expect(out.text).not.toContain(pdf.slice(0, 40))
    expect(out.removed).toContain('OBX-5 (embedded document dropped)')
  })

  it('scrubs found names from every field outside the coded ones, also where a lab puts free text of its own (OBR-18, OBR-39, OBX-23, ORC-22, Z-segments)', () => {
    const out = deidentifyHl7(
      hl7(
        'PID|1||P-1||SMITH^REX',
        'ORC|RE|ORD-1|F-1||CM||||20261128|||||||||||||Rex Smith Clinic^^Rex Smith',
        'OBR|1|ORD-1|F-1|CBC^Complete blood count|||20261128||||||||||Rex Smith|smith-rex|REX|Smith||||||F|||||||||||||Rex bit the collector, Smith held',
        'OBX|1|NM|WBC^White blood cells^L||12.5|10*9/L|6.0-17.0|N|||F|||20261128|||||||||Smith Rex Lab^^^Rex',
        'ZPT|1|Rex|SMITH'
      )
    )
    for (const secret of ['Rex', 'REX', 'Smith', 'SMITH', 'smith']) expect(out.text).not.toContain(secret)
    // The coded fields still go as sent: order numbers, test code, value, units, range, flag.
    expect(out.text).toContain('OBR|1|ORD-1|F-1|CBC^Complete blood count|||20261128|')
    expect(out.text).toContain('OBX|1|NM|WBC^White blood cells^L||12.5|10*9/L|6.0-17.0|N|||F|||20261128|')
    expect(field(seg(out.text, 'OBR'), 39)).toBe(`${REMOVED} bit the collector, ${REMOVED} held`)
    expect(out.removed).toEqual(expect.arrayContaining(['OBR-18 (text)', 'OBR-39 (text)', 'OBX-23 (text)', 'ZPT-2 (text)']))
  })

  it('drops a document wherever it sits: base64 in NTE or a Z-segment, an ED or RP or untyped OBX-5, and a PDF cut into many short TX lines', () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Title (Okafor Biscuit CBC) >>\n'.repeat(20)).toString('base64')
    // Lines of uneven width (as a lab cuts them), the last one short.
    const chunks = pdf.match(/.{1,60}/g)!.flatMap((c, i) => (i % 3 ? [c] : [c.slice(0, 12), c.slice(12)]))
    const out = deidentifyHl7(
      hl7(
        'PID|1||P-1||Okafor^Biscuit',
        `NTE|1||${pdf}`,
        `ZDC|1|${pdf.slice(0, 300)}^${pdf.slice(300, 600)}`,
        'OBX|1|RP|IMG^Image^L||http://lab.example/r/123^IMAGE||||||F',
        'OBX|2||NOTE^Note^L||short words||||||F',
        ...chunks.map((c, i) => `OBX|${i + 3}|TX|RPT^Report^L||${c}||||||F`),
        'OBX|99|TX|COMM^Comment^L||Haemolysed||||||F'
      )
    )
    for (const piece of [pdf.slice(0, 40), chunks[1], chunks[chunks.length - 2], 'lab.example']) expect(out.text).not.toContain(piece)
    expect(seg(out.text, 'NTE')).toBe(`NTE|1||${REMOVED}`)
    expect(seg(out.text, 'ZDC')).toBe(`ZDC|1|${REMOVED}`)
    const obx = out.text.split('\n').filter((l) => l.startsWith('OBX'))
    expect(obx[0]).toBe(`OBX|1|RP|IMG^Image^L||${REMOVED}||||||F`)
    expect(obx[1]).toBe(`OBX|2||NOTE^Note^L||${REMOVED}||||||F`)
    chunks.forEach((_, i) => expect(obx[i + 2]).toBe(`OBX|${i + 3}|TX|RPT^Report^L||${REMOVED}||||||F`))
    // A plain comment after the document still goes.
    expect(obx.at(-1)).toBe('OBX|99|TX|COMM^Comment^L||Haemolysed||||||F')
    expect(out.removed).toEqual(expect.arrayContaining(['NTE-3 (embedded document dropped)', 'ZDC-2 (embedded document dropped)', 'OBX-5 (embedded document dropped)']))
  })

  it('keeps a report written one word a line, which is base64 letters but no document', () => {
    const words = 'Sample haemolysed lipaemic icteric moderate marked clumping platelets present neutrophils toxic change noted reticulocytes increased polychromasia anisocytosis target cells present recheck advised'.split(' ')
    const out = deidentifyHl7(hl7(...[...words, ...words].map((w, i) => `OBX|${i + 1}|TX|RPT^Report^L||${w}||||||F`)))
    expect(out.text).not.toContain(REMOVED)
  })

  it('keeps a long comment in prose, which is not a document however long', () => {
    const prose = 'Sample slightly haemolysed and lipaemic on arrival so potassium and ALT may read high repeat in two weeks if the clinical picture does not match these values thank you from the night shift team at the reference laboratory'
    const out = deidentifyHl7(hl7('OBX|1|TX|COMM^Comment^L||' + prose + '||||||F', 'NTE|1||' + prose))
    expect(out.text).toContain(prose)
    expect(seg(out.text, 'NTE')).toBe(`NTE|1||${prose}`)
  })

  it('keeps species and breed where a v2.3.1 lab’s profile puts them, only when they hold animal words, and removes PID-35/36 there', () => {
    const pid = (f10: string, f22: string, f35: string) => {
      const p = ['PID', '1', '', 'P-1', '', 'Smith^Rex', '', '', 'M', '', f10, ...Array(11).fill(''), f22, ...Array(12).fill(''), f35]
      return p.join('|')
    }
    const places = { pidSpeciesField: 10, pidBreedField: 22 }
    const ok = seg(deidentifyHl7(hl7(pid('CAN^Canine', 'BEA^Beagle', 'Rex')), places).text, 'PID').split('|')
    expect(ok[10]).toBe('CAN^Canine')
    expect(ok[22]).toBe('BEA^Beagle')
    expect(ok[35]).toBe(REMOVED)
    expect(ok[8]).toBe('M')
    // A lab that put the owner's name or the pet's name there: not an animal word, so it does not go.
    const bad = seg(deidentifyHl7(hl7(pid('Smith household', 'REX^Rexy', 'Canine')), places).text, 'PID').split('|')
    expect(bad[10]).toBe(REMOVED)
    expect(bad[22]).toBe(`${REMOVED}^${REMOVED}`)
    expect(bad[35]).toBe(REMOVED)
    // Without a profile: PID-35/36 as in v2.4 and later, the same rule.
    const std = seg(deidentifyHl7(hl7(pid('CAN^Canine', '', 'FEL^Feline'))).text, 'PID').split('|')
    expect(std[10]).toBe(`${REMOVED}^${REMOVED}`)
    expect(std[35]).toBe('FEL^Feline')
  })

  it('finds a known phone number beside other digits: a year after it, or a second number after a slash', () => {
    const out = deidentifyHl7(hl7('PID|1||P-1||Smith^Rex||||||||0412 345 678^PRN^PH', 'NTE|1||Call 0412345678 2024', 'NTE|2||0412 345 678 / 02 9876 5432', 'NTE|3||Owner: +61 412-345-678, batch 20261128'))
    const notes = out.text.split('\n').filter((l) => l.startsWith('NTE'))
    expect(notes).toEqual([`NTE|1||Call ${REMOVED}`, `NTE|2||${REMOVED}`, `NTE|3||Owner: ${REMOVED}, batch 20261128`])
    expect(out.text).not.toMatch(/345.?678/)
  })

  it('replaces a line that is not a segment (a value split by a stray line break) instead of guessing what it holds', () => {
    const out = deidentifyHl7(['MSH|^~\\&|L|L|V|V|20261128||ORU^R01|C1|P|2.5', 'PID|1||P-1||Okafor^Biscuit||2019', '0412|F', 'OBX|1|NM|K^Potassium||4.1|mmol/L'].join('\n'))
    expect(out.text.split('\n')[2]).toBe(REMOVED)
    expect(out.text).not.toContain('0412')
  })

  it('refuses what is not HL7, rather than sending it half-cleaned', () => {
    expect(() => deidentifyHl7('PID|1||P-1||Okafor^Biscuit')).toThrow(DeidentifyError)
    expect(() => deidentifyHl7('')).toThrow(DeidentifyError)
  })
})

describe('ASTM transmissions without patient identity', () => {
  const astm = ['H|\\^&|||VETSCAN^1.0|||||||P|1|20261128', 'P|1|P-1001|LAB-7||Okafor^Biscuit||20190412|F|||12 Elm Road||555-0142|Adeyemi|Canine^Labrador', 'O|1|ORD-42||^^^CBC|R|||||||||||Adeyemi^Grace|555-0199', 'R|1|^^^WBC|12.5|10*9/L|6.0-17.0|N||F||||20261128', 'C|1|I|Biscuit was restless, owner OKAFOR present|G', 'L|1|N'].join('\r')
  const out = deidentifyAstm(astm)
  const lines = out.text.split('\n')

  it('keeps only the record type, sequence, sex and species/breed of the P record', () => {
    expect(lines[1]).toBe(`P|1|${REMOVED}|${REMOVED}||${REMOVED}^${REMOVED}||${REMOVED}|F|||${REMOVED}||${REMOVED}|${REMOVED}|Canine^Labrador`)
  })

  it('removes the ordering physician and scrubs comments, keeping sample ids and results', () => {
    expect(lines[2]).toBe(`O|1|ORD-42||^^^CBC|R|||||||||||${REMOVED}^${REMOVED}|${REMOVED}`)
    expect(lines[3]).toBe('R|1|^^^WBC|12.5|10*9/L|6.0-17.0|N||F||||20261128')
    expect(lines[4]).toBe(`C|1|I|${REMOVED} was restless, owner ${REMOVED} present|G`)
    expect(lines[0]).toBe('H|\\^&|||VETSCAN^1.0|||||||P|1|20261128')
    for (const secret of ['Okafor', 'OKAFOR', 'Biscuit', 'Adeyemi', 'Grace', '555-01', 'Elm']) expect(out.text).not.toContain(secret)
  })

  it('uses the analyzer’s own delimiters and its sex field', () => {
    const custom = deidentifyAstm(['H#@$%', 'P#1#ID-9###Lee$Momo####M##feline'].join('\r'), { sexField: 10 })
    expect(custom.text.split('\n')[1]).toBe(`P#1#${REMOVED}###${REMOVED}$${REMOVED}####M##feline`)
  })

  it('keeps the profile’s sex field only when it holds a sex code, not a name a profile pointed it at', () => {
    const p = 'P|1|P-1|||SMITH^REX|||||||||Canine'
    const wrong = deidentifyAstm(['H|\\^&', p, 'C|1|I|REX ate; SMITH called|G'].join('\r'), { sexField: 6 })
    expect(wrong.text.split('\n')[1]).toBe(`P|1|${REMOVED}|||${REMOVED}^${REMOVED}|||||||||Canine`)
    expect(wrong.text).not.toMatch(/smith|rex/i)
    expect(wrong.removed).toContain('P-6')
    // The analyzer's own longer codes go, and short ones do.
    const coded = deidentifyAstm(['H|\\^&', 'P|1|P-1||Smith^Rex|NEUTM'].join('\r'), { sexField: 6, sexCodes: ['NEUTM', 'SPAYF'] })
    expect(coded.text.split('\n')[1]).toBe(`P|1|${REMOVED}||${REMOVED}^${REMOVED}|NEUTM`)
    const short = deidentifyAstm(['H|\\^&', 'P|1|P-1||Smith^Rex|MN'].join('\r'), { sexField: 6 })
    expect(short.text.split('\n')[1]).toBe(`P|1|${REMOVED}||${REMOVED}^${REMOVED}|MN`)
  })

  it('drops a document an analyzer put in a result or a comment', () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Title (Okafor Biscuit) >>\n'.repeat(20)).toString('base64')
    const out = deidentifyAstm(['H|\\^&', `R|1|^^^GRAPH|${pdf}|||N||F`, `C|1|I|${pdf.slice(0, 300)}^${pdf.slice(300, 600)}|G`].join('\r'))
    const lines = out.text.split('\n')
    expect(lines[1]).toBe(`R|1|^^^GRAPH|${REMOVED}|||N||F`)
    expect(lines[2]).toBe(`C|1|I|${REMOVED}|G`)
    expect(out.removed).toEqual(expect.arrayContaining(['R-4 (embedded document dropped)', 'C-4 (embedded document dropped)']))
  })

  it('drops a document an analyzer cut across many comment records, keeping the comment after it', () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Title (Okafor Biscuit UA) >>\n'.repeat(20)).toString('base64')
    // Each record on its own is too short to look like a document.
    const chunks = pdf.match(/.{1,60}/g)!
    const records = ['H|\\^&', 'P|1|P-1||Okafor^Biscuit', 'R|1|^^^USG|1.030||||N||F', ...chunks.map((c, i) => `C|${i + 1}|I|${c}|G`), 'C|99|I|Lipaemic sample|G', 'L|1|N']
    const out = deidentifyAstm(records.join('\r'))
    for (const piece of [chunks[0], chunks[3], chunks[chunks.length - 1]]) expect(out.text).not.toContain(piece)
    const lines = out.text.split('\n')
    chunks.forEach((_, i) => expect(lines[3 + i]).toBe(`C|${i + 1}|I|${REMOVED}|G`))
    expect(out.text).toContain('R|1|^^^USG|1.030||||N||F')
    expect(out.text).toContain('C|99|I|Lipaemic sample|G')
    expect(out.removed).toContain('C-4 (embedded document dropped)')
  })

  it('refuses a transmission without a header', () => {
    expect(() => deidentifyAstm('P|1|ID|Okafor')).toThrow(DeidentifyError)
  })
})

describe('DICOM attributes without patient identity', () => {
  const parts = [
    {
      name: 'Patient',
      fields: [
        { position: '(0010,0010)', value: 'Okafor^Biscuit', label: 'Patient name' },
        { position: '(0010,0020)', value: 'P-1001', label: 'Patient id' },
        { position: '(0010,0030)', value: '20190412', label: 'Birth date' },
        { position: '(0010,0040)', value: 'F', label: 'Sex' },
        { position: '(0010,2201)', value: 'Canine', label: 'Species' },
        { position: '(0010,2292)', value: 'Labrador', label: 'Breed' },
        { position: '(0010,2297)', value: 'Okafor^Nkem', label: 'Responsible person' },
        { position: '(0010,2298)', value: 'OWNER', label: 'Responsible person role' }
      ]
    },
    {
      name: 'Study',
      fields: [
        { position: '(0008,0050)', value: 'ACC-42', label: 'Accession number' },
        { position: '(0008,0080)', value: 'Riverside Vet', label: 'Institution' },
        { position: '(0008,0090)', value: 'Adeyemi^Grace', label: 'Referring physician' },
        { position: '(0008,1030)', value: 'Thorax Biscuit', label: 'Study description' },
        { position: '(0040,0275)>(0010,0010)', value: 'Okafor^Biscuit', label: null },
        { position: '(0008,0060)', value: 'DX', label: 'Modality' }
      ]
    }
  ]
  const out = deidentifyDicom(parts)
  const value = (pos: string) => out.parts.flatMap((p) => p.fields).find((f) => f.position === pos)!.value

  it('removes group 0010 but sex, species and breed, people, the institution, and any value naming them', () => {
    for (const p of ['(0010,0010)', '(0010,0020)', '(0010,0030)', '(0010,2297)', '(0010,2298)', '(0008,0080)', '(0008,0090)', '(0008,1030)', '(0040,0275)>(0010,0010)']) expect(value(p)).toBe(REMOVED)
    expect(value('(0010,0040)')).toBe('F')
    expect(value('(0010,2201)')).toBe('Canine')
    expect(value('(0010,2292)')).toBe('Labrador')
    expect(value('(0008,0050)')).toBe('ACC-42')
    expect(value('(0008,0060)')).toBe('DX')
    for (const secret of ['Okafor', 'Biscuit', 'Adeyemi', 'Riverside', '20190412']) expect(out.text).not.toContain(secret)
    expect(out.text).toContain('(0010,0040) Sex: F')
  })

  it('refuses an object whose attributes could not be read', () => {
    expect(() => deidentifyDicom([])).toThrow(DeidentifyError)
  })
})

describe('whatever the names and however a lab escapes them', () => {
  // Names as owners and pets have them: letters (accented too), apostrophes, hyphens, spaces, and
  // the HL7 delimiters themselves, which the lab must escape.
  const letter = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzéöñçÅØ'.split(''))
  const word = fc.array(letter, { minLength: 3, maxLength: 10 }).map((a) => a.join(''))
  const name = fc.tuple(word, fc.constantFrom('', "'", '-', ' ', '^', '&', '|', '\\', '~')).map(([w, sep]) => (sep ? `${w.slice(0, 2)}${sep}${w.slice(2)}` : w))
  const cased = (s: string, upper: boolean) => (upper ? s.toUpperCase() : s[0].toUpperCase() + s.slice(1))

  it('never lets a found owner or pet name through in free text', () => {
    fc.assert(
      fc.property(name, name, fc.boolean(), (owner, pet, upper) => {
        const text = deidentifyHl7(hl7(`PID|1||X1||${escape(owner)}^${escape(pet)}`, `NTE|1||Seen: ${escape(cased(pet, upper))} with ${escape(cased(owner, !upper))}.`)).text
        const nte = unescape(seg(text, 'NTE').split('|')[3])
        const words = (s: string) => s.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 3)
        for (const w of [...words(owner), ...words(pet)]) expect(nte.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '')).not.toMatch(new RegExp(`(^|[^\\p{L}\\p{N}])${w.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '')}($|[^\\p{L}\\p{N}])`, 'u'))
      }),
      { numRuns: 300 }
    )
  })
})
