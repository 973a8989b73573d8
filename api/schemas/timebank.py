from marshmallow import fields, validate

from api.pagination import PageQuerySchema
from api.schemas.base import AnswerSchema, StrictSchema
from api.schemas.pages import page_of
from api.schemas.fields import NON_ZERO, POSITIVE, Amount, SubjectId, UtcDateTime
from models.timebank import TX_TYPES

NOTE = validate.Length(max=500)


class TimeTransferSchema(StrictSchema):
    to_subject_id = SubjectId(required=True)
    amount = Amount(required=True, validate=POSITIVE)
    note = fields.String(load_default=None, allow_none=True, validate=NOTE)


class TimeAdjustmentSchema(StrictSchema):
    subject_id = SubjectId(required=True)
    amount = Amount(required=True, validate=NON_ZERO)
    note = fields.String(required=True, validate=validate.Length(1, 500))


class TimeDepositSchema(StrictSchema):
    amount = Amount(required=True, validate=POSITIVE)


class TimeAccountQuerySchema(StrictSchema):
    subject_id = SubjectId(metadata={
        "description": "whose account (default: the caller's); another subject's needs platform_admin"})


class TimeTransactionQuerySchema(PageQuerySchema):
    subject_id = SubjectId(metadata={
        "description": "whose ledger (default: the caller's); another subject's needs platform_admin"})


class TimeAccountSchema(AnswerSchema):
    subject_id = fields.String()
    balance = Amount()
    lifetime_earned = Amount()
    lifetime_spent = Amount()


class TimeTransactionSchema(AnswerSchema):
    id = fields.UUID()
    amount = Amount()
    balance_after = Amount()
    tx_type = fields.String(validate=validate.OneOf(TX_TYPES))
    reference_id = fields.String(allow_none=True)
    counterparty_id = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    job_id = fields.UUID(allow_none=True)
    created_at = UtcDateTime()


TimeTransactionPageSchema = page_of(TimeTransactionSchema, "TimeTransactionPage")
