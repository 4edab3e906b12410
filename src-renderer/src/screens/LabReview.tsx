import { Paper } from '@mantine/core'
import { useAction, useCall } from '../api/hooks'
import { LabValues } from '../components/LabValues'
import { ReviewCard, ReviewScreen } from '../components/ReviewCard'
import { dateTime } from '../format'

/** Results that did not attach by themselves. A person decides; the candidates only help. */
export function LabReviewScreen() {
  const queue = useCall('labs.reviewQueue', {})
  const waiting = useCall('labs.reviewCount', {})
  const attach = useAction('labs.attach')
  const reject = useAction('labs.reject')
  return (
    <ReviewScreen title="Lab Review" intro="These results did not match an order and its patient exactly. Nothing is attached until someone here decides." empty="Nothing to review. Every result has found its patient." error={queue.error} loaded={queue.isSuccess} total={waiting.data?.count}>
      {(queue.data ?? []).map((item) => (
        <ReviewCard
          key={item.reportId}
          testId="review-item"
          link={{ param: 'report', id: item.reportId }}
          noun="result"
          title={`${item.title ?? 'Lab result'} from ${item.integrationName ?? 'an unknown sender'}`}
          subtitle={`Received ${dateTime(item.receivedAt)} · ${item.orderNumber ? `order number ${item.orderNumber}` : 'no order number'}`}
          identifiers={item.identifiers}
          reasons={item.reasons}
          candidates={item.candidates.map((c) => ({ ...c, linkId: c.orderId, linkLabel: c.orderNumber ? `order ${c.orderNumber}` : null }))}
          error={attach.error ?? reject.error}
          onAttach={(patientId, orderId, reason) => attach.mutate({ reportId: item.reportId, patientId, orderId, reason })}
          onReject={(reason) => reject.mutate({ reportId: item.reportId, reason })}
        >
          <Paper withBorder mt="md" p="xs" bg="gray.0">
            <LabValues observations={item.observations} />
          </Paper>
        </ReviewCard>
      ))}
    </ReviewScreen>
  )
}
