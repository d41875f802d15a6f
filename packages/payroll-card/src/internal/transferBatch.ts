/**
 * The client-side rules of a transfer batch, as wechatpay-go `services/payrollcard/models.go` states them
 * (`CreateTransferBatchRequest`, `TransferDetailInput`).
 *
 * @internal
 */

/**
 * A filter: at most `max` characters, counted as Unicode code points ("UTF8编码，最多允许32个字符").
 *
 * @internal
 */
export const atMostCharacters = (max: number) => (value: string) =>
  [...value].length <= max || `must be at most ${max} characters`

/** The parts of a batch its rules read. */
type BatchTotals = {
  readonly total_amount: number
  readonly total_num: number
  readonly transfer_detail_list: ReadonlyArray<{ readonly transfer_amount: number; readonly user_name?: unknown }>
}

/**
 * The batch rules of the sources, on the batch as the program holds it (so they run before anything is encrypted):
 * `total_amount` is the sum of the details ("转账总金额必须与批次内所有明细转账金额之和保持一致"), `total_num` their
 * count ("转账总笔数必须与批次内所有明细之和保持一致"), and `user_name` on all details or none ("全部填写、或全部不填写").
 *
 * @internal
 */
export const batchRules = (batch: BatchTotals) => {
  const details = batch.transfer_detail_list
  const issues: Array<{ readonly path: ReadonlyArray<PropertyKey>; readonly message: string }> = []
  const sum = details.reduce((total, detail) => total + detail.transfer_amount, 0)
  if (batch.total_amount !== sum) {
    issues.push({
      path: ["total_amount"],
      message: `total_amount must equal the sum of the details' transfer_amount (${sum})`
    })
  }
  if (batch.total_num !== details.length) {
    issues.push({ path: ["total_num"], message: `total_num must equal the number of details (${details.length})` })
  }
  const named = details.filter((detail) => detail.user_name !== undefined).length
  if (named !== 0 && named !== details.length) {
    issues.push({
      path: ["transfer_detail_list"],
      message: `user_name must be given on all details or on none (given on ${named} of ${details.length})`
    })
  }
  return issues
}
