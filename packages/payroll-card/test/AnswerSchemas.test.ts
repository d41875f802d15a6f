import { GetAuthentication, GetRelation, PreOrderWithAuth } from "@effect-wechatpay/payroll-card"
// The new modules by subpath: the integrator adds them to the package's index.
import * as CreateToken from "@effect-wechatpay/payroll-card/CreateToken"
import * as CreateTransferBatch from "@effect-wechatpay/payroll-card/CreateTransferBatch"
import * as ListAuthentications from "@effect-wechatpay/payroll-card/ListAuthentications"
import * as PreOrder from "@effect-wechatpay/payroll-card/PreOrder"
import { assert, describe, it } from "@effect/vitest"
import { Either, Option, Schema } from "effect"

/**
 * Recorded-style answers: the field values of WeChat's documentation pages and of wechatpay-go's
 * `services/payrollcard` examples. Each schema must decode them with a field WeChat may add, without a field that
 * only informs, and with an enum value the SDK does not know yet — and must refuse them without a field the
 * program relies on.
 */
const decode = <A, I>(schema: Schema.Schema<A, I>) => (json: unknown) => Schema.decodeUnknownEither(schema)(json)

const without = (json: Record<string, unknown>, field: string) => {
  const copy = { ...json }
  delete copy[field]
  return copy
}

const PRE_ORDER = {
  authenticate_number: "mcdhehfgisdhfjghed39384564i83",
  openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
  mchid: "1111111",
  sub_mchid: "1111111",
  token: "abcdefghijklmn",
  expires_in: 1800
}

const TOKEN = {
  openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
  mchid: "1111111",
  sub_mchid: "1111111",
  token: "abcdefghijklmn",
  expires_in: 1800
}

const AUTHENTICATION = {
  mchid: "1111111",
  sub_mchid: "1111111",
  openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
  authenticate_scene: "FROM_MINI_APP",
  authenticate_source: "wdiooewl7587443649000",
  project_name: "某项目",
  employer_name: "某用工企业",
  authenticate_state: "AUTHENTICATE_SUCCESS",
  authenticate_time: "2015-05-20T13:29:35+08:00",
  authenticate_number: "mcdhehfgisdhfjghed39384564i83",
  authenticate_type: "NORMAL"
}

const RELATION = {
  openid: "onqOjjmo8wmTOOtSKwXtGjg9Gb58",
  mchid: "1111111",
  sub_mchid: "1111111",
  authorize_state: "AUTHORIZED",
  authorize_time: "2015-05-20T13:29:35+08:00",
  register_state: "REGISTERED",
  register_time: "2015-05-20T13:29:35+08:00"
}

const BATCH = {
  out_batch_no: "plfk2020042013",
  batch_id: "1030000071100999991182020050700019480001",
  create_time: "2015-05-20T13:29:35+08:00"
}

interface Case {
  readonly name: string
  readonly schema: Schema.Schema<any, any>
  readonly answer: Record<string, unknown>
  /** Fields that only inform: each may be missing. */
  readonly informational: ReadonlyArray<string>
  /** Fields the program relies on (the decided-on values and the echoes): each must be there. */
  readonly relied: ReadonlyArray<string>
}

const CASES: ReadonlyArray<Case> = [
  {
    name: "PreOrderWithAuthResponse",
    schema: PreOrderWithAuth.PreOrderWithAuthResponse,
    answer: PRE_ORDER,
    informational: [],
    relied: ["authenticate_number", "openid", "mchid", "sub_mchid", "token", "expires_in"]
  },
  {
    name: "PreOrderResponse",
    schema: PreOrder.PreOrderResponse,
    answer: PRE_ORDER,
    informational: [],
    relied: ["authenticate_number", "openid", "sub_mchid", "token", "expires_in"]
  },
  {
    name: "TokenEntity",
    schema: CreateToken.TokenEntity,
    answer: TOKEN,
    informational: ["mchid"],
    relied: ["openid", "sub_mchid", "token", "expires_in"]
  },
  {
    name: "AuthenticationEntity",
    schema: GetAuthentication.GetAuthenticationResponse,
    answer: AUTHENTICATION,
    informational: [
      "mchid",
      "openid",
      "authenticate_scene",
      "authenticate_source",
      "project_name",
      "employer_name",
      "authenticate_time",
      "authenticate_type"
    ],
    relied: ["authenticate_state", "authenticate_number", "sub_mchid"]
  },
  {
    name: "RelationEntity",
    schema: GetRelation.GetRelationResponse,
    answer: RELATION,
    // register_*: in the Go model, missing from WeChat's documentation page.
    informational: ["mchid", "authorize_time", "register_state", "register_time"],
    relied: ["authorize_state", "openid", "sub_mchid"]
  },
  {
    name: "TransferBatchEntity",
    schema: CreateTransferBatch.TransferBatchEntity,
    answer: BATCH,
    informational: ["create_time"],
    relied: ["out_batch_no", "batch_id"]
  },
  {
    name: "ListAuthenticationsResponse",
    schema: ListAuthentications.ListAuthenticationsResponse,
    answer: { data: [AUTHENTICATION], total_count: 1, offset: 0, limit: 1 },
    informational: ["limit", "data"],
    relied: ["total_count", "offset"]
  }
]

describe("answers: as tolerant as WeChat's additions, as strict as the program's needs", () => {
  for (const { answer, informational, name, relied, schema } of CASES) {
    it(`${name}: the recorded answer, with an extra field, decodes`, () => {
      const decoded = decode(schema)({ ...answer, field_added_later: { nested: true } })
      assert.isTrue(Either.isRight(decoded), String(Either.isLeft(decoded) && decoded.left))
      if (Either.isRight(decoded)) assert.notProperty(decoded.right, "field_added_later")
    })

    for (const field of informational) {
      it(`${name}: without the informational ${field}, decodes`, () => {
        assert.isTrue(Either.isRight(decode(schema)(without(answer, field))))
      })
    }

    for (const field of relied) {
      it(`${name}: without ${field}, which the program relies on, fails`, () => {
        assert.isTrue(Either.isLeft(decode(schema)(without(answer, field))))
        assert.isTrue(Either.isLeft(decode(schema)({ ...answer, [field]: null })))
      })
    }
  }

  it("unknown enum values decode, stay apart from the known ones, and are seen with isKnown", () => {
    const entity = Schema.decodeUnknownSync(GetAuthentication.GetAuthenticationResponse)({
      ...AUTHENTICATION,
      authenticate_state: "AUTHENTICATE_REVOKED",
      authenticate_scene: "FROM_WATCH",
      authenticate_type: "HEALTH_CHECK"
    })
    assert.strictEqual(entity.authenticate_state, "AUTHENTICATE_REVOKED")
    assert.isFalse(GetAuthentication.AuthenticateState.isKnown(entity.authenticate_state))
    assert.isFalse(GetAuthentication.AuthenticateScene.isKnown(entity.authenticate_scene))
    assert.isFalse(GetAuthentication.AuthenticationType.isKnown(entity.authenticate_type))
    assert.isTrue(GetAuthentication.AuthenticateState.isKnown("AUTHENTICATE_SUCCESS"))

    const relation = Schema.decodeUnknownSync(GetRelation.GetRelationResponse)({
      ...RELATION,
      authorize_state: "FROZEN",
      register_state: "SUSPENDED"
    })
    assert.isFalse(GetRelation.AuthorizeState.isKnown(relation.authorize_state))
    assert.isFalse(GetRelation.RegisterState.isKnown(relation.register_state))
    assert.notStrictEqual(relation.authorize_state, "AUTHORIZED")

    const page = Schema.decodeUnknownSync(ListAuthentications.ListAuthenticationsResponse)({
      data: [{ ...AUTHENTICATION, authenticate_state: "AUTHENTICATE_REVOKED" }],
      total_count: 1,
      offset: 0,
      limit: 1
    })
    assert.isFalse(GetAuthentication.AuthenticateState.isKnown(page.data[0].authenticate_state))
  })

  it("a known value decodes as its literal; an enum state must still be a string", () => {
    const known = Schema.decodeUnknownSync(GetAuthentication.AuthenticateState)("AUTHENTICATE_FAILED")
    assert.isTrue(GetAuthentication.AuthenticateState.isKnown(known))
    // The compiler sees the unknown case: an exhaustive switch over the known literals needs a default.
    const describeState = (state: GetAuthentication.AuthenticateState): string => {
      if (!GetAuthentication.AuthenticateState.isKnown(state)) return `unknown: ${state}`
      switch (state) {
        case "AUTHENTICATE_PROCESSING":
          return "processing"
        case "AUTHENTICATE_SUCCESS":
          return "passed"
        case "AUTHENTICATE_FAILED":
          return "failed"
      }
    }
    assert.strictEqual(describeState(known), "failed")
    assert.strictEqual(
      describeState(Schema.decodeUnknownSync(GetAuthentication.AuthenticateState)("NEW_STATE")),
      "unknown: NEW_STATE"
    )
    for (const bad of [1, null, true, {}]) {
      assert.isTrue(Either.isLeft(decode(GetAuthentication.AuthenticateState)(bad)))
    }
  })

  it("wrong types of relied-upon numbers fail: expires_in, total_count", () => {
    assert.isTrue(
      Either.isLeft(decode(PreOrderWithAuth.PreOrderWithAuthResponse)({ ...PRE_ORDER, expires_in: "1800" }))
    )
    assert.isTrue(Either.isLeft(decode(CreateToken.TokenEntity)({ ...TOKEN, expires_in: 1.5 })))
    assert.isTrue(
      Either.isLeft(decode(ListAuthentications.ListAuthenticationsResponse)({ total_count: "2", offset: 0 }))
    )
  })

  it("a day without checks may come without data: an empty page", () => {
    const page = Schema.decodeUnknownSync(ListAuthentications.ListAuthenticationsResponse)({
      total_count: 0,
      offset: 0,
      limit: 0
    })
    assert.deepStrictEqual(page.data, [])
  })

  it("nextPage: the next offset while pages remain; none after the last page or on an empty one", () => {
    const request = {
      openid: "o1",
      sub_mchid: "1111111",
      appid: "wxa1",
      authenticate_date: "2020-12-25",
      limit: 10
    }
    const page = (offset: number, count: number, total: number) =>
      Schema.decodeUnknownSync(ListAuthentications.ListAuthenticationsResponse)({
        data: Array.from({ length: count }, (_, n) => ({ ...AUTHENTICATION, authenticate_number: `n${offset + n}` })),
        total_count: total,
        offset,
        limit: count
      })
    assert.deepStrictEqual(
      ListAuthentications.nextPage(request, page(0, 10, 23)),
      Option.some({ ...request, offset: 10 })
    )
    assert.deepStrictEqual(
      ListAuthentications.nextPage({ ...request, offset: 10 }, page(10, 10, 23)),
      Option.some({ ...request, offset: 20 })
    )
    assert.isTrue(Option.isNone(ListAuthentications.nextPage({ ...request, offset: 20 }, page(20, 3, 23))))
    assert.isTrue(Option.isNone(ListAuthentications.nextPage(request, page(0, 0, 0))))
    // A total that promises more than WeChat sends must not loop.
    assert.isTrue(Option.isNone(ListAuthentications.nextPage({ ...request, offset: 30 }, page(30, 0, 99))))
  })
})
