"""What each import kind holds: its fields, which are required, and the headers that map to them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class ImportKind(StrEnum):
    CASES = "cases"
    CONTACTS = "contacts"
    PAYMENTS = "payments"


class FieldType(StrEnum):
    TEXT = "text"
    AMOUNT = "amount"
    INTEGER = "integer"
    DATE = "date"
    DATETIME = "datetime"
    ID_NUMBER = "id_number"
    PHONE = "phone"
    STATE = "state"
    CHANNEL = "channel"
    BOOLEAN = "boolean"
    FLAGS = "flags"


@dataclass(frozen=True)
class FieldSpec:
    """One FieldVisit field a column can map to; ``aliases`` are headers recognised by default."""

    name: str
    type: FieldType
    required: bool
    aliases: tuple[str, ...]
    max_length: int = 200


_T = FieldType
# The stored id is "<creditor id>:<external id>" in a 64-character column.
EXTERNAL_ID_LENGTH = 48
CASE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "case_number",
        _T.TEXT,
        True,
        ("案件编号", "案件号", "委案编号", "case number", "case_no", "case id"),
        64,
    ),
    FieldSpec(
        "debtor_name",
        _T.TEXT,
        True,
        ("姓名", "客户姓名", "债务人", "持卡人", "name", "debtor", "debtor name"),
        100,
    ),
    FieldSpec(
        "id_number",
        _T.ID_NUMBER,
        False,
        ("身份证号", "身份证号码", "证件号码", "证件号", "id number", "id_no"),
        32,
    ),
    FieldSpec(
        "phone", _T.PHONE, False, ("手机号", "手机号码", "联系电话", "电话", "phone", "mobile"), 32
    ),
    FieldSpec(
        "home_address",
        _T.TEXT,
        False,
        ("家庭住址", "家庭地址", "住址", "居住地址", "home address", "address"),
        300,
    ),
    FieldSpec(
        "work_address",
        _T.TEXT,
        False,
        ("单位地址", "工作单位地址", "公司地址", "work address", "employer address"),
        300,
    ),
    FieldSpec("city", _T.TEXT, False, ("城市", "所在城市", "city"), 64),
    FieldSpec("district", _T.TEXT, False, ("区县", "所在区", "区", "district"), 64),
    FieldSpec(
        "amount_overdue",
        _T.AMOUNT,
        True,
        ("逾期金额", "欠款金额", "委案金额", "amount overdue", "amount"),
        32,
    ),
    FieldSpec("principal", _T.AMOUNT, False, ("本金", "逾期本金", "principal"), 32),
    FieldSpec(
        "days_past_due", _T.INTEGER, True, ("逾期天数", "账龄天数", "days past due", "dpd"), 16
    ),
    FieldSpec("state", _T.STATE, False, ("状态", "案件状态", "state", "status"), 32),
    FieldSpec("team", _T.TEXT, False, ("团队", "所属团队", "小组", "team"), 100),
    FieldSpec(
        "placed_on", _T.DATE, False, ("委案日期", "委托日期", "placed on", "placement date"), 32
    ),
    FieldSpec("product", _T.TEXT, False, ("产品", "产品类型", "product"), 32),
    FieldSpec("flags", _T.FLAGS, False, ("标记", "标签", "flags"), 200),
    # Checked by the case writer: a located home, its own zone and rules, the case's profile.
    FieldSpec("home_lat", _T.TEXT, False, ("纬度", "住址纬度", "home lat", "lat", "latitude"), 32),
    FieldSpec("home_lon", _T.TEXT, False, ("经度", "住址经度", "home lon", "lon", "longitude"), 32),
    FieldSpec("timezone", _T.TEXT, False, ("时区", "timezone", "time zone", "tz"), 64),
    FieldSpec("jurisdiction", _T.TEXT, False, ("司法辖区", "辖区", "jurisdiction"), 16),
    FieldSpec("rule_profile", _T.TEXT, False, ("规则配置", "rule profile", "profile"), 16),
)
CONTACT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "external_id",
        _T.TEXT,
        True,
        ("记录编号", "流水号", "记录id", "external id", "record id", "id"),
        EXTERNAL_ID_LENGTH,
    ),
    FieldSpec("case_number", _T.TEXT, True, CASE_FIELDS[0].aliases, 64),
    FieldSpec("channel", _T.CHANNEL, True, ("方式", "联系方式", "渠道", "催收方式", "channel"), 16),
    FieldSpec(
        "occurred_at",
        _T.DATETIME,
        True,
        ("时间", "联系时间", "催收时间", "occurred at", "time", "date"),
        32,
    ),
    FieldSpec(
        "contacted",
        _T.BOOLEAN,
        False,
        ("是否接通", "接通", "是否联系上", "contacted", "connected"),
        8,
    ),
    FieldSpec("outcome", _T.TEXT, False, ("结果", "联系结果", "催收结果", "outcome", "result"), 32),
)
PAYMENT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "external_id",
        _T.TEXT,
        True,
        ("还款流水号", "流水号", "交易编号", "external id", "transaction id", "id"),
        EXTERNAL_ID_LENGTH,
    ),
    FieldSpec("case_number", _T.TEXT, True, CASE_FIELDS[0].aliases, 64),
    FieldSpec("amount", _T.AMOUNT, True, ("还款金额", "金额", "amount", "paid amount"), 32),
    FieldSpec(
        "paid_on",
        _T.DATE,
        True,
        ("还款日期", "入账日期", "日期", "paid on", "payment date", "date"),
        32,
    ),
    FieldSpec("method", _T.TEXT, False, ("还款方式", "方式", "渠道", "method"), 32),
    FieldSpec("receipt_no", _T.TEXT, False, ("凭证号", "回单号", "receipt", "receipt no"), 64),
)
FIELDS: Mapping[ImportKind, tuple[FieldSpec, ...]] = {
    ImportKind.CASES: CASE_FIELDS,
    ImportKind.CONTACTS: CONTACT_FIELDS,
    ImportKind.PAYMENTS: PAYMENT_FIELDS,
}


def field_specs(kind: ImportKind) -> dict[str, FieldSpec]:
    return {spec.name: spec for spec in FIELDS[kind]}


def normalise_header(header: str) -> str:
    """Headers compare without case, outer blanks, underscores or a required-marker '*'."""
    cleaned = header.strip().lstrip("*").rstrip("*").strip().lower()
    return cleaned.replace("_", " ").replace("（", "(").replace("）", ")").replace("  ", " ")


def guess_mapping(kind: ImportKind, headers: Iterable[str]) -> dict[str, str]:
    """header → field for every header a default alias recognises; each field is used once."""
    by_alias: dict[str, str] = {}
    for spec in FIELDS[kind]:
        for alias in spec.aliases:
            by_alias.setdefault(normalise_header(alias), spec.name)
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        field = by_alias.get(normalise_header(header))
        if field is not None and field not in taken:
            mapping[header] = field
            taken.add(field)
    return mapping


def merge_mapping(
    kind: ImportKind, headers: Iterable[str], saved: Mapping[str, str] | None
) -> dict[str, str]:
    """The saved mapping where it names a header of this file, the defaults for the rest."""
    header_list = list(headers)
    mapping = guess_mapping(kind, header_list)
    if not saved:
        return mapping
    for header in header_list:
        if header in saved:
            mapping[header] = saved[header]
    fields_taken: dict[str, str] = {}
    for header, field in list(mapping.items()):
        # A saved assignment wins over a default that claimed the same field.
        if field and field in fields_taken and header in saved:
            mapping.pop(fields_taken[field])
        fields_taken[field] = header
    return {header: field for header, field in mapping.items() if field}
