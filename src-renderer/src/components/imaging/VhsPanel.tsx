import { Alert, Badge, Group, NumberInput, Stack, Text } from '@mantine/core'
import { VHS_REFERENCE, type VhsResult } from '../../imaging/vhs'

/** The score, how it was measured, and the published reference next to it. */
export function VhsPanel({ vhs, species, onVertebrae }: { vhs: VhsResult; species?: string; onVertebrae: (n: number) => void }) {
  const ref = species === 'feline' ? VHS_REFERENCE.cat : species === 'canine' ? VHS_REFERENCE.dog : null
  const flag = vhs.vhs != null && ref ? (vhs.vhs > ref.high ? 'above' : vhs.vhs < ref.low ? 'below' : 'within') : null
  const missing = [vhs.long == null && 'the long axis (L)', vhs.short == null && 'the short axis (S)', vhs.spine == null && 'the spine line from T4'].filter(Boolean)
  return (
    <Alert color={flag === 'above' ? 'orange' : 'gray'} variant="light" title="Vertebral heart score (lateral view)" data-testid="vhs-panel">
      <Stack gap={6}>
        <Text size="sm">
          Draw L from the ventral border of the carina (left main-stem bronchus) to the cardiac apex; S across the widest part of the heart, perpendicular to L; then a line along the
          vertebral bodies from the cranial edge of T4 over the number of whole vertebrae below. L and S are counted in vertebrae, as when they are transposed onto the spine from T4. The
          score is a ratio, so it does not depend on calibration.
        </Text>
        <Group gap="md" align="flex-end">
          <NumberInput label="Vertebrae the spine line covers" size="xs" w={220} min={1} max={12} value={vhs.vertebrae} onChange={(v) => typeof v === 'number' && v >= 1 && onVertebrae(v)} data-testid="vhs-vertebrae" />
          {vhs.vhs != null ? (
            <Group gap="xs" align="baseline">
              <Text size="xl" fw={700} data-testid="vhs-score">
                VHS {vhs.vhs.toFixed(1)} v
              </Text>
              <Text size="sm" c="dimmed">
                L {vhs.longV!.toFixed(1)} v + S {vhs.shortV!.toFixed(1)} v
              </Text>
              {flag && (
                <Badge color={flag === 'within' ? 'teal' : 'orange'} variant="light" data-testid="vhs-flag">
                  {flag} reference
                </Badge>
              )}
            </Group>
          ) : (
            <Text size="sm" c="dimmed" data-testid="vhs-missing">
              Still to draw: {missing.join(', ')}.
            </Text>
          )}
        </Group>
        <Text size="xs" c="dimmed">
          Reference: {ref ? ref.label : `${VHS_REFERENCE.dog.label}; ${VHS_REFERENCE.cat.label}`}.
        </Text>
      </Stack>
    </Alert>
  )
}
