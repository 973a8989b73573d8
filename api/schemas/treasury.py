from marshmallow import fields, validate

from api.schemas.base import AnswerSchema, StrictSchema, WholeMatch
from api.schemas.fields import NON_ZERO, Amount, UtcDateTime
from api.schemas.pages import page_of
from governance.tokens import CONTRACT_ADDRESS_PATTERN

TOKEN_SYMBOL = validate.Regexp(r"^[A-Z0-9]{1,16}$", error="1-16 characters of A-Z and 0-9")


class TreasuryDeltaSchema(StrictSchema):
    token_symbol = fields.String(required=True, validate=TOKEN_SYMBOL)
    delta = Amount(required=True, validate=NON_ZERO)
    reason = fields.String(required=True, validate=validate.Length(1, 500))
    contract_address = fields.String(
        validate=WholeMatch(CONTRACT_ADDRESS_PATTERN, error="1-128 characters of letters, digits and :._-"),
        metadata={"description": "the token's contract: set by the first delta naming one, then fixed "
                                 "(another one is 409 contract_address_mismatch)"})


class TreasuryItemSchema(AnswerSchema):
    token_symbol = fields.String()
    contract_address = fields.String(allow_none=True)
    balance = Amount()


class TreasuryTransactionSchema(AnswerSchema):
    id = fields.UUID()
    token_symbol = fields.String()
    delta = Amount()
    balance_after = Amount()
    reason = fields.String()
    actor = fields.String()
    reference_id = fields.String(allow_none=True)
    created_at = UtcDateTime()




class TreasuryListSchema(AnswerSchema):
    items = fields.List(fields.Nested(TreasuryItemSchema))


TreasuryTransactionPageSchema = page_of(TreasuryTransactionSchema, "TreasuryTransactionPage")
