/**
 * Encoding a request's sensitive fields without leaving the synchronous path.
 *
 * `Sensitive.EncryptedString` reads the `Encryptor` from the context, so its encoding is an `Effect`, and one
 * effectful field turns the whole request's `Schema.encode` into the effectful struct machinery: about seventy
 * runtime steps per call, a quarter of a payroll-card call's (counted in `bench/overhead.ts`), although the
 * SDK's encryptors are synchronous RSA. So the SDK's encryptors also register a synchronous form here, and
 * `Endpoint.toCall` encodes inside {@link encodeWith}: while its callback runs (synchronously, so no other call
 * can interleave), `Sensitive.EncryptedString` encrypts through that form and returns an `Either`, and the
 * whole encoding is an `Either` too. An encryptor of the program's own (a KMS, say) has no synchronous form
 * and is used as before, through the context.
 */
import type { Either, Redacted } from "effect"
import type { EncryptError, Service } from "../../Encryptor.js"

/** What encrypts one field on the spot. */
export type EncryptSync = (plaintext: Redacted.Redacted<string>) => Either.Either<string, EncryptError>

const forms = new WeakMap<Service, EncryptSync>()

/** The synchronous form of the encryptor the running encoding may use, if any. */
let current: EncryptSync | undefined

/**
 * Records that `encryptor.encrypt` is `encrypt`, run on the spot: for the SDK's own encryptors.
 *
 * @internal
 */
export const register = (encryptor: Service, encrypt: EncryptSync): Service => {
  forms.set(encryptor, encrypt)
  return encryptor
}

/**
 * Runs `f` (an encoding) with `encryptor`'s synchronous form, when it has one, in scope for
 * `Sensitive.EncryptedString`.
 *
 * @internal
 */
export const encodeWith = <A>(encryptor: Service, f: () => A): A => {
  const form = forms.get(encryptor)
  if (form === undefined) return f()
  const outer = current
  current = form
  try {
    return f()
  } finally {
    current = outer
  }
}

/**
 * The synchronous encryptor in scope, for `Sensitive.EncryptedString`'s encoding.
 *
 * @internal
 */
export const inScope = (): EncryptSync | undefined => current
