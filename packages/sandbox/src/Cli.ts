/**
 * The `effect-wechatpay-sandbox` command as a program: parses the command line and serves the simulator on a
 * loopback port until interrupted. `main.ts` runs it; import it to embed the CLI in a script of your own.
 *
 * Every key flag is optional; a missing key pair is generated, and `--write-keys DIR` saves what a client needs
 * (`merchant_private_key.pem`, `platform_public_key.pem`, and `api_v3_key.txt` in certificate or mixed mode; mode
 * 0600; a platform key or APIv3 key given by flag is saved too). Each file is written to a fresh temporary file and
 * renamed into place, so a symlink planted at a key's path is replaced, never written through. Private keys and the
 * APIv3 key are never printed.
 *
 * At startup it prints the `export WECHATPAY_…=…` lines that point `WeChatPay.layerConfig()` at it (base URL, ids,
 * and the key files as `…_FILE` variables), and `--write-env FILE` writes the same lines to FILE, for
 * `node --env-file=FILE` or `. FILE` in a shell; with `--print-env` stdout holds only those lines (the rest goes to
 * stderr):
 *
 * ```sh
 * npx effect-wechatpay-sandbox --write-keys .sandbox-keys --write-env .sandbox.env
 * npx tsx --env-file=.sandbox.env app.ts
 * ```
 *
 * Why not `--env-file`: node reads an argument of that name as its own even after the script's path
 * (nodejs/node#54232), and exits ("node: FILE: not found") before the program runs when FILE does not exist yet,
 * as it does not on a first run. The old name is still accepted, for a FILE that exists.
 *
 * It logs one line per request it answers (method, path, status, WeChat's code). Another process can play the
 * worker through the admin route it prints at startup, and have the sandbox send a notification (see
 * `SandboxServer`; in public-key mode this needs `--api-v3-key`):
 *
 * ```sh
 * curl -H 'Content-Type: application/json' -d '{"result":"SUCCESS"}' \
 *   http://127.0.0.1:8080/sandbox/authentications/N1/complete
 * curl -H 'Content-Type: application/json' \
 *   -d '{"url":"http://127.0.0.1:3000/notify","resource":{"out_trade_no":"1"}}' \
 *   http://127.0.0.1:8080/sandbox/notifications
 * ```
 *
 * @since 0.1.0
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { parseArgs } from "node:util"
import * as ClientEnv from "./internal/clientEnv.js"
import * as SandboxServer from "./SandboxServer.js"
import * as Simulator from "./Simulator.js"
import * as TestKeys from "./TestKeys.js"

const USAGE = `Usage: effect-wechatpay-sandbox [options]

  --port P                        port to listen on (default 0: any free port)
  --host H                        address to listen on (default 127.0.0.1)
  --mchid M                       merchant id (default 1900000001)
  --merchant-serial-no S          merchant API certificate serial (default: random 40 hex digits)
  --merchant-public-key FILE      PEM that verifies the merchant's signatures (default: generate a pair)
  --platform-private-key FILE     PEM that signs answers and decrypts fields (default: generate a pair)
  --platform-public-key-id ID     platform key id sent as Wechatpay-Serial (default: random PUB_KEY_ID_…)
  --token-expires-in SECONDS      lifetime of issued tokens (default 1800)
  --key-mode MODE                 public-key (default), certificate or mixed: how answers are signed and
                                  whether /v3/certificates lists platform certificates
  --api-v3-key KEY                the merchant's APIv3 key, 32 characters, which encrypts certificates (default
                                  in certificate and mixed mode: generated, written to api_v3_key.txt with
                                  --write-keys)
  --write-keys DIR                write the keys a client needs into DIR (mode 0600): the generated merchant
                                  private key, the platform public key, the APIv3 key (certificate, mixed mode)
  --write-env FILE                also write the export lines below to FILE (for node --env-file=FILE, or
                                  . FILE in a shell); the old name --env-file works only once FILE exists (node
                                  itself reads an argument of that name, and stops when FILE is missing)
  --print-env                     print only the export lines on stdout (the rest goes to stderr), for
                                  a script that reads them
  -h, --help                      show this help

At startup it prints "export WECHATPAY_…=…" lines, the variables WeChatPay.layerConfig() reads: the base
URL, mchid, serial, key id and the files --write-keys wrote (…_FILE). No private key or APIv3 key is printed.

Admin routes (unsigned, never WeChat paths; bodies must be Content-Type: application/json, and a request
whose Origin is not the sandbox's own is refused):
  POST /sandbox/authentications/{authenticate_number}/complete with {"result":"SUCCESS"} or
    {"result":"FAILED","reason":"…"} completes an identity check as the worker would.
  POST /sandbox/tokens/{token}/authorize with {} opens the card and authorises with a createToken token.
  POST /sandbox/transfer-batches/{out_batch_no}/plan with {"not_found_for_seconds"?: n, "close_reason"?: "…",
    "fail_details"?: {"out_detail_no": "fail_reason"}} says how that transfer batch ends.
  POST /sandbox/notifications with {"url":"http://127.0.0.1:PORT/notify","resource":{…}} sends a signed
    notification, its resource encrypted with the APIv3 key (in public-key mode only with --api-v3-key), to
    a loopback URL (127.0.0.1, ::1, localhost); optional "event_type", "id", "summary", "original_type",
    "max_attempts" (default 1; up to 16, on WeChat's retry cadence). Answers once it is acknowledged or its
    attempts are spent: {"id","delivered","attempts","last_status","statuses"}.
`

/**
 * Writes `pem` to `dir/name` with mode 0600 and returns the path. The text goes to a new file created exclusively
 * (`O_EXCL` never follows a symlink) and is then renamed over `name`: a symlink planted there is replaced, and the
 * file it pointed at stays untouched; an existing file is replaced whatever its mode was.
 *
 * @example
 * ```ts
 * import { Cli } from "@effect-wechatpay/sandbox"
 *
 * const path = Cli.writeKeyFile(".sandbox-keys", "platform_public_key.pem", "-----BEGIN PUBLIC KEY-----\n…")
 * ```
 *
 * @since 0.1.0
 * @category cli
 */
export const writeKeyFile = (dir: string, name: string, pem: string): string => {
  Fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
  const file = Path.join(dir, name)
  const temporary = Path.join(dir, `.${name}.${Crypto.randomBytes(8).toString("hex")}.tmp`)
  try {
    Fs.writeFileSync(temporary, pem, { mode: 0o600, flag: "wx" })
    Fs.renameSync(temporary, file)
  } catch (error) {
    Fs.rmSync(temporary, { force: true })
    throw error
  }
  return file
}

/**
 * Parses the command line and runs the sandbox until interrupted.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Cli } from "@effect-wechatpay/sandbox"
 *
 * Effect.runFork(Cli.program(["--port", "8080"]))
 * ```
 *
 * @since 0.1.0
 * @category cli
 */
export const program = (args: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const parsed = yield* Effect.try(() =>
      parseArgs({
        args: [...args],
        strict: true,
        options: {
          port: { type: "string" },
          host: { type: "string" },
          mchid: { type: "string" },
          "merchant-serial-no": { type: "string" },
          "merchant-public-key": { type: "string" },
          "platform-private-key": { type: "string" },
          "platform-public-key-id": { type: "string" },
          "token-expires-in": { type: "string" },
          "key-mode": { type: "string" },
          "api-v3-key": { type: "string" },
          "write-keys": { type: "string" },
          "write-env": { type: "string" },
          // The old name: node stops on it when FILE does not exist yet (see the module's comment).
          "env-file": { type: "string" },
          "print-env": { type: "boolean" },
          help: { type: "boolean", short: "h" }
        }
      })
    ).pipe(Effect.either)
    if (parsed._tag === "Left") {
      yield* Console.error(`${(parsed.left.error as Error).message}\n\n${USAGE}`)
      return yield* Effect.sync(() => {
        process.exitCode = 2
      })
    }
    const values = parsed.right.values
    if (values.help) return yield* Console.log(USAGE)
    if (values["write-env"] !== undefined && values["env-file"] !== undefined) {
      yield* Console.error(`give --write-env FILE once (--env-file is its old name)\n\n${USAGE}`)
      return yield* Effect.sync(() => {
        process.exitCode = 2
      })
    }

    const port = values.port === undefined ? 0 : Number(values.port)
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      return yield* Effect.dieMessage(`--port must be an integer between 0 and 65535, got ${values.port}`)
    }
    const tokenExpiresIn = values["token-expires-in"] === undefined ? undefined : Number(values["token-expires-in"])
    if (tokenExpiresIn !== undefined && !(Number.isInteger(tokenExpiresIn) && tokenExpiresIn > 0)) {
      return yield* Effect.dieMessage(`--token-expires-in must be a positive integer`)
    }
    const keyModes: Record<string, Simulator.KeyMode> = {
      "public-key": "publicKey",
      certificate: "certificate",
      mixed: "mixed"
    }
    const keyMode = keyModes[values["key-mode"] ?? "public-key"]
    if (keyMode === undefined) {
      return yield* Effect.dieMessage(`--key-mode must be public-key, certificate or mixed, got ${values["key-mode"]}`)
    }
    const givenApiV3Key = values["api-v3-key"]
    if (givenApiV3Key !== undefined && Buffer.byteLength(givenApiV3Key, "utf8") !== 32) {
      return yield* Effect.dieMessage("--api-v3-key must be 32 bytes")
    }
    const read = (file: string) => Effect.sync(() => Fs.readFileSync(file, "utf8"))
    const writeDir = values["write-keys"]
    const written: Array<string> = []
    const files: { -readonly [K in keyof ClientEnv.Files]: string } = {}
    const write = (name: string, pem: string, key?: keyof ClientEnv.Files) =>
      Effect.sync(() => {
        if (writeDir === undefined) return
        const file = writeKeyFile(writeDir, name, pem)
        written.push(file)
        if (key !== undefined) files[key] = file
      })

    let merchantPublicKey: string
    if (values["merchant-public-key"] !== undefined) {
      merchantPublicKey = yield* read(values["merchant-public-key"])
    } else {
      const pair = yield* TestKeys.generate
      merchantPublicKey = pair.publicKey
      yield* write("merchant_private_key.pem", pair.privateKey, "merchantPrivateKey")
    }
    let platformPrivateKey: string
    let platformPublicKey: string
    if (values["platform-private-key"] !== undefined) {
      platformPrivateKey = yield* read(values["platform-private-key"])
      platformPublicKey = Crypto.createPublicKey(platformPrivateKey).export({ type: "spki", format: "pem" }).toString()
    } else {
      const pair = yield* TestKeys.generate
      platformPrivateKey = pair.privateKey
      platformPublicKey = pair.publicKey
    }
    // Derived or generated, the public half is what a client verifies with: saved either way.
    yield* write("platform_public_key.pem", platformPublicKey, "platformPublicKey")

    // Public-key mode needs no APIv3 key (no certificates to encrypt), so none is generated or written.
    const apiV3Key = givenApiV3Key ??
      (keyMode === "publicKey" ? undefined : Crypto.randomBytes(24).toString("base64").replace(/[+/]/g, "x"))
    // Given or generated, the client needs it in a file: the export lines point at files, never at a value.
    if (apiV3Key !== undefined) yield* write("api_v3_key.txt", apiV3Key, "apiV3Key")

    const options: Simulator.Options = {
      mchid: values.mchid ?? "1900000001",
      merchantSerialNo: values["merchant-serial-no"] ?? (yield* TestKeys.serialNo),
      merchantPublicKey,
      platformPrivateKey,
      platformPublicKeyId: values["platform-public-key-id"] ?? (yield* TestKeys.publicKeyId),
      tokenExpiresIn,
      keyMode,
      apiV3Key
    }
    const generatedMerchantKey = values["merchant-public-key"] === undefined

    return yield* Effect.gen(function*() {
      const server = yield* SandboxServer.SandboxServer
      const certificates = yield* Effect.flatMap(Simulator.Simulator, (simulator) => simulator.certificates)
      const exports = ClientEnv.lines({
        url: server.url,
        mchid: options.mchid,
        merchantSerialNo: options.merchantSerialNo,
        platformPublicKeyId: options.platformPublicKeyId,
        keyMode,
        files,
        missing: (key) =>
          writeDir === undefined
            ? "not saved (start with --write-keys DIR)"
            : key === "merchantPrivateKey"
            ? "the private key of the pair given as --merchant-public-key"
            : "not saved"
      })
      const envFile = values["write-env"] ?? values["env-file"]
      if (envFile !== undefined) {
        yield* Effect.sync(() => writeKeyFile(Path.dirname(envFile), Path.basename(envFile), `${exports.join("\n")}\n`))
      }
      // With --print-env stdout holds the export lines and nothing else (a script reads them as they come); the
      // banner, which a person reads, goes to stderr.
      if (values["print-env"]) yield* Console.log(exports.join("\n"))
      const banner = values["print-env"] ? Console.error : Console.log
      yield* banner(
        [
          `WeChat Pay sandbox listening on ${server.url}`,
          `  mchid:                  ${options.mchid}`,
          `  merchant serial no:     ${options.merchantSerialNo}`,
          `  platform public key id: ${options.platformPublicKeyId}`,
          `  token expires in:       ${tokenExpiresIn ?? 1800} s`,
          `  key mode:               ${values["key-mode"] ?? "public-key"}`,
          ...certificates.map((c) => `  platform certificate:   ${c.serialNo} (GET /v3/certificates, APIv3 key)`),
          ...written.map((file) => `  wrote:                  ${file}`),
          ...(generatedMerchantKey && writeDir === undefined
            ? [
              "  warning: the merchant key pair was generated but not saved (use --write-keys DIR);",
              "           no client can sign requests this sandbox accepts"
            ]
            : []),
          ...(givenApiV3Key === undefined && apiV3Key !== undefined && writeDir === undefined
            ? ["  warning: the APIv3 key was generated but not saved (use --write-keys DIR or --api-v3-key)"]
            : []),
          "",
          "Point a client at it: WeChatPay.layerConfig() reads these (paste them into a shell, or use --write-env FILE):",
          ...exports.map((line) => `  ${line}`),
          ...(envFile === undefined ? [] : [`  (also written to ${envFile})`]),
          "",
          "Complete an identity check as the worker would (admin route, unsigned):",
          `  curl -H 'Content-Type: application/json' -d '{"result":"SUCCESS"}' ${server.url}${
            SandboxServer.COMPLETE_PATH.replace("{authenticate_number}", "<authenticate_number>")
          }`,
          "",
          keyMode === "certificate"
            ? "Platform public key (unused in certificate mode: clients download the certificates):"
            : "Platform public key (verifies answers, encrypts user_name / id_card_number):",
          platformPublicKey.trim(),
          "",
          "Press Ctrl+C to stop."
        ].join("\n")
      )
      return yield* Effect.never
    }).pipe(
      Effect.provide(
        SandboxServer.layer({ port, host: values.host, logRequests: true }).pipe(
          Layer.provideMerge(Simulator.layer(options))
        )
      )
    )
  })
