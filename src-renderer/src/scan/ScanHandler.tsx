/**
 * The global microchip scan, mounted once in the shell. A scan comes from a keyboard-wedge scanner
 * (a burst of keys ending in Enter, see wedge.ts) or from this workstation's serial scanner (the
 * chipScan live event). What it does:
 * - in a chip field (the patient form's Microchip…) the scan just fills the field; its Enter is
 *   swallowed so the form is not submitted by surprise;
 * - anywhere else that is not a field being typed in (or in a search box), the chip is looked up:
 *   one patient opens that patient (whose missing-pet banner shows if the chip is reported),
 *   none goes to Lost/Found with the chip (the found-animal lookup), several offer a chooser.
 * A toast says what was scanned either way; an unreadable scan says so.
 */
import { useEffect, useRef, useState } from 'react'
import { Badge, Button, Group, Modal, Stack, Text, UnstyledButton } from '@mantine/core'
import { notifications as toast } from '@mantine/notifications'
import { useNavigate } from 'react-router-dom'
import type { ChipScan, ScanResolution } from '../../../src-preload/contract'
import { useApi } from '../api/hooks'
import { SPECIES_LABEL } from '../format'
import { WedgeDetector, fillInput, isChipField, scanTarget } from './wedge'

const chipLabel = (c: NonNullable<ScanResolution['chip']>) => `${c.normalized}${c.manufacturer ? ` (${c.manufacturer})` : ''}`

export function ScanHandler() {
  const api = useApi()
  const navigate = useNavigate()
  const [choose, setChoose] = useState<ScanResolution | null>(null)
  // The latest navigate and state without re-subscribing on every render.
  const latest = useRef({ navigate })
  latest.current = { navigate }

  useEffect(() => {
    const open = async (raw: string, source: 'keyboard' | 'serial', settleMs = 0) => {
      let r: ScanResolution
      try {
        // A search box writes what it holds into the address a moment after the last key (Patients:
        // 150 ms); navigating before that lands would be undone by it, so a scan there waits it out.
        ;[r] = await Promise.all([api.call('scanners.resolve', { raw }), new Promise((ok) => setTimeout(ok, settleMs))])
      } catch (e) {
        toast.show({ color: 'red', title: 'Microchip scan', message: (e as Error).message })
        return
      }
      if (!r.chip) {
        toast.show({ color: 'yellow', title: 'The scanner read no microchip number', message: r.error ?? raw })
        return
      }
      const via = source === 'serial' ? 'Scanner' : 'Scanned'
      const reported = r.missing.length > 0 ? ' · reported missing on PetMayday' : ''
      if (r.patients.length === 1) {
        const p = r.patients[0]
        toast.show({ color: r.missing.length ? 'red' : 'teal', title: `${via}: microchip ${chipLabel(r.chip)}`, message: `Opening ${p.name} (${p.ownerName})${reported}` })
        latest.current.navigate(`/patients/${p.id}`)
      } else if (r.patients.length === 0) {
        toast.show({ color: r.missing.length ? 'red' : 'blue', title: `${via}: microchip ${chipLabel(r.chip)}`, message: `No patient here has this chip: looking it up in Lost/Found${reported}` })
        latest.current.navigate(`/lost-found?chip=${encodeURIComponent(r.chip.normalized)}`)
      } else {
        toast.show({ color: 'teal', title: `${via}: microchip ${chipLabel(r.chip)}`, message: `${r.patients.length} patients have this chip: choose one` })
        setChoose(r)
      }
    }

    const wedge = new WedgeDetector()
    const onKey = (e: KeyboardEvent) => {
      const burst = wedge.key(e.key, e.timeStamp)
      if (!burst) return
      const target = scanTarget(document.activeElement)
      if (target === 'other-field') return
      // The scanner's Enter is not the person's: it must not submit a form or open a row.
      e.preventDefault()
      e.stopPropagation()
      if (target === 'chip-field') {
        toast.show({ color: 'teal', title: 'Microchip scanned into the field', message: (document.activeElement as HTMLInputElement).value })
        return
      }
      // In a search box the scan is what the box holds (keys typed while the page was busy included).
      if (target === 'search-field') void open((document.activeElement as HTMLInputElement).value, 'keyboard', 300)
      else void open(burst, 'keyboard')
    }

    const onSerial = (scan: ChipScan) => {
      const focused = document.activeElement
      // A chip field being filled takes the serial read as it would a wedge's keys.
      if (isChipField(focused) && scan.chip) {
        // The chip, not the scanner's whole line (a stored read's index or a type prefix is not part of the number).
        fillInput(focused, scan.chip.normalized)
        toast.show({ color: 'teal', title: 'Microchip scanned into the field', message: scan.chip.normalized })
        return
      }
      if (!scan.chip) {
        toast.show({ color: 'yellow', title: 'The scanner read no microchip number', message: scan.error ?? scan.raw })
        return
      }
      // Someone typing in a form: do not navigate from under them.
      if (scanTarget(focused) === 'other-field') {
        toast.show({ color: 'blue', title: `Scanner: microchip ${scan.chip.normalized}`, message: 'Finish or close the form to look it up.' })
        return
      }
      void open(scan.raw, 'serial')
    }

    // Capture: the scanner's Enter is taken before the field or the form sees it.
    window.addEventListener('keydown', onKey, true)
    const unsubscribe = api.subscribe((e) => {
      if (e.type === 'chipScan') onSerial(e.payload)
    })
    return () => {
      window.removeEventListener('keydown', onKey, true)
      unsubscribe()
    }
  }, [api])

  return (
    <Modal opened={!!choose} onClose={() => setChoose(null)} title={choose?.chip ? `Microchip ${choose.chip.normalized}: several patients` : ''} data-testid="scan-chooser">
      {choose && (
        <Stack gap="xs">
          <Text size="sm" c="dimmed">
            More than one patient has this chip. Choose the one in front of you.
          </Text>
          {choose.patients.map((p) => (
            <UnstyledButton
              key={p.id}
              className="clickable-row"
              p="xs"
              data-testid="scan-choice"
              onClick={() => {
                setChoose(null)
                navigate(`/patients/${p.id}`)
              }}
            >
              <Group justify="space-between">
                <div>
                  <Text fw={600}>{p.name}</Text>
                  <Text size="sm" c="dimmed">
                    {SPECIES_LABEL[p.species] ?? p.species}
                    {p.breed ? ` · ${p.breed}` : ''} · {p.ownerName}
                  </Text>
                </div>
                {p.deceasedAt && <Badge color="gray">deceased</Badge>}
              </Group>
            </UnstyledButton>
          ))}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setChoose(null)}>
              Cancel
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  )
}
