/**
 * A failure as an exit code and one line for stderr. The classes an operator's script tells apart: invalid
 * input (nothing sent), WeChat's business errors, verification failures, network failures, and an `await-*` command
 * that gave up waiting (ask again later).
 *
 * @internal
 */
import { WeChatPayError } from "@effect-wechatpay/core"
import * as Cause from "effect/Cause"
import * as Option from "effect/Option"

/** The exit codes, as the README lists them. */
export const ExitCode = {
  Unexpected: 1,
  InvalidInput: 2,
  Business: 3,
  Verification: 4,
  Network: 5,
  GaveUp: 6
} as const

const INVALID_INPUT = new Set([
  "RequestValidationError",
  "InvalidOptionError",
  "InputError",
  // @effect/cli's own: a flag it rejects, a missing one, an unknown command.
  "CommandMismatch",
  "CorrectedFlag",
  "InvalidArgument",
  "InvalidValue",
  "MissingValue",
  "MissingFlag",
  "MultipleValuesDetected",
  "MissingSubcommand",
  "NoBuiltInMatch",
  "UnclusteredFlag"
])
const VERIFICATION = new Set(["ResponseVerificationError", "CertificateError", "NotificationError"])
const NETWORK = new Set(["RequestError", "RequestTimeout"])

const tagOf = (error: unknown): string | undefined => {
  if (error === null || typeof error !== "object") return undefined
  if ("_tag" in error && typeof error._tag === "string") return error._tag
  // A ConfigError is a tree of `_op`s: a missing or malformed variable is input.
  if ("_op" in error && typeof error._op === "string") return "ConfigError"
  return undefined
}

/** The exit code of a typed failure. */
export const codeOf = (error: unknown): number => {
  const tag = tagOf(error)
  if (tag === undefined) return ExitCode.Unexpected
  if (INVALID_INPUT.has(tag) || tag === "ConfigError") return ExitCode.InvalidInput
  // A helper's own "still not final when its time ran out" (the helper names those errors: `Helper.gaveUp`).
  if (tag === "GaveUpWaiting") return ExitCode.GaveUp
  // WeChat's codes: the SDK's classes, a family's own (made with codeError: they carry WeChat's message), or unknown.
  if (tag in WeChatPayError.documented || tag === "UnknownApiError" || "wechatMessage" in (error as object)) {
    return ExitCode.Business
  }
  const reason = (error as { readonly reason?: unknown }).reason
  // A certificate download that never got an answer is the network's; a callback file that is no callback, input.
  if (tag === "CertificateError" && reason === "Transport") return ExitCode.Network
  if (tag === "NotificationError" && (reason === "Malformed" || reason === "NotConfigured")) {
    return ExitCode.InvalidInput
  }
  // A downloaded file (bill, receipt): bytes that are not the ones WeChat named, or a URL not on its host, are
  // verification failures; a lost connection or a timeout the network's; WeChat's refusal (an expired URL) its code.
  if (tag === "DownloadError") {
    if (reason === "DigestMismatch" || reason === "ForeignHost" || reason === "UnsupportedHash") {
      return ExitCode.Verification
    }
    if (reason === "Transport" || reason === "Timeout") return ExitCode.Network
    if (reason === "Expired" || reason === "Status") return ExitCode.Business
    return ExitCode.Unexpected
  }
  // A receipt WeChat has not finished generating: its state, as WeChat answered it.
  if (tag === "ReceiptNotReady") return ExitCode.Business
  if (VERIFICATION.has(tag)) return ExitCode.Verification
  if (NETWORK.has(tag)) return ExitCode.Network
  return ExitCode.Unexpected
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, " ").trim()

/** The line for stderr: the error's own message (the SDK's names WeChat's code), never its fields. */
export const messageOf = (error: unknown): string => {
  const tag = tagOf(error)
  if (tag === "ConfigError") return oneLine(`configuration: ${String(error)}`)
  if (error instanceof Error || (error !== null && typeof error === "object" && "message" in error)) {
    const message = String((error as { message: unknown }).message)
    return oneLine(message.length > 0 ? message : String(tag))
  }
  return oneLine(String(error))
}

/** The exit code and stderr line of a run's failure, or none for success and `--help`. */
export const ofCause = <E>(cause: Cause.Cause<E>): { readonly code: number; readonly message: string | undefined } => {
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) {
    const error: unknown = failure.value
    const tag = tagOf(error)
    // @effect/cli has already printed its own message for a flag it rejected.
    const printed = tag !== undefined && INVALID_INPUT.has(tag) && "error" in (error as object)
    return { code: codeOf(error), message: printed ? undefined : messageOf(error) }
  }
  if (Cause.isInterruptedOnly(cause)) return { code: 130, message: "interrupted" }
  // A defect is a bug: say what, not where (no stack with values in it).
  const defect = Cause.dieOption(cause)
  return {
    code: ExitCode.Unexpected,
    message: Option.match(defect, {
      onNone: () => "unexpected failure",
      onSome: (d) => `unexpected failure: ${messageOf(d)}`
    })
  }
}
