import { Badge, Tooltip } from '@mantine/core'
import type { ImagingInstance } from '../../../../src-preload/contract'

type Calibration = ImagingInstance['calibration']

/** What a length on this image means, said honestly: badge for the glance, the file's own note on hover and below. */
export const CALIBRATION_TEXT: Record<Calibration['kind'], { label: string; color: string; meaning: string }> = {
  pixel_spacing: { label: 'Calibrated (Pixel Spacing)', color: 'teal', meaning: 'Lengths in mm from the file’s Pixel Spacing.' },
  imager_pixel_spacing: {
    label: 'Detector spacing, not magnification-corrected',
    color: 'orange',
    meaning: 'Lengths in mm are measured at the detector (Imager Pixel Spacing), not corrected for magnification: anatomy nearer the tube reads larger than it is.'
  },
  ultrasound_region: { label: 'Ultrasound region calibration', color: 'blue', meaning: 'Lengths use the scanner’s calibrated region; outside it they are in pixels.' },
  none: { label: 'Not calibrated: pixels only', color: 'red', meaning: 'The file carries no spacing: lengths are in pixels (px), not millimetres.' }
}

function spacing(c: Calibration): string {
  return c.rowSpacingMm != null && c.columnSpacingMm != null ? ` Spacing ${c.rowSpacingMm.toFixed(3)} × ${c.columnSpacingMm.toFixed(3)} mm per pixel.` : ''
}

export function CalibrationBadge({ calibration }: { calibration: Calibration }) {
  const t = CALIBRATION_TEXT[calibration.kind]
  return (
    <Tooltip label={`${t.meaning}${spacing(calibration)} ${calibration.note}`} multiline w={360} withArrow>
      <Badge color={t.color} variant="light" data-testid="calibration-badge" data-kind={calibration.kind}>
        {t.label}
      </Badge>
    </Tooltip>
  )
}

/** The server's note says it for this file; our general sentence only when it has none. */
export function calibrationSentence(calibration: Calibration): string {
  const note = calibration.note.trim()
  return note ? `${note.replace(/([^.])$/, '$1.')}${spacing(calibration)}` : `${CALIBRATION_TEXT[calibration.kind].meaning}${spacing(calibration)}`
}
