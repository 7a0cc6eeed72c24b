from pathlib import Path

import pytest

from data_contracts.identifiers import is_valid_ric, ric_15_to_18
from privacy.mask import AUDIT_KINDS, find_personal_data, mask_text
from privacy.pseudonymise import is_pseudonym, pseudonym
from tests.builders import PERSON_ID, PERSON_ID_15

KEY = b"0123456789abcdef-key"


def test_legacy_15_digit_number_upgrades_to_the_same_person():
    assert ric_15_to_18(PERSON_ID_15) == PERSON_ID
    assert is_valid_ric(PERSON_ID) and is_valid_ric(PERSON_ID_15)


def test_pseudonyms_are_stable_across_spellings_and_keyed():
    a = pseudonym(KEY, "id", PERSON_ID)
    assert pseudonym(KEY, "id", PERSON_ID_15) == a
    assert pseudonym(KEY, "id", f" {PERSON_ID.lower()} ") == a
    assert pseudonym(b"another-key-0123456", "id", PERSON_ID) != a
    assert pseudonym(KEY, "name", PERSON_ID) != a  # kinds are separated
    assert is_pseudonym(a) and PERSON_ID not in a


def test_phone_pseudonyms_ignore_formatting():
    assert pseudonym(KEY, "phone", "139-1234-5678") == pseudonym(KEY, "phone", "+86 13912345678")


def test_free_text_masking_reads_naturally():
    text = f"当事人张三（身份证号{PERSON_ID}，电话13912345678，邮箱zs@example.com）于2024年3月销售金额6.8万元。"
    out = mask_text(text, {"张三": "【当事人】"})
    assert out == "当事人【当事人】（身份证号【身份证号】，电话【手机号】，邮箱【邮箱】）于2024年3月销售金额6.8万元。"


def test_masking_leaves_amounts_dates_and_invalid_numbers_alone():
    text = "销售金额68000元，2024年3月5日，案号123456789012345678，面积12.5亩"
    assert mask_text(text) == text
    assert "【身份证号】" in mask_text(f"老证件{PERSON_ID_15}")


def test_bank_cards_with_luhn_are_masked():
    assert mask_text("卡号4111111111111111") == "卡号【银行卡号】"


def test_organisation_codes_are_not_personal_data():
    from privacy.mask import find_personal_data
    from tests.builders import uscc

    for body in ("11410108000000001", "11410108123456789", "12620900987654321"):
        code = uscc(body)
        assert not list(find_personal_data(f"处罚机关代码{code}")), code
    assert [f.kind for f in find_personal_data(f"证件{PERSON_ID}")] == ["id_number"]


def test_letter_suffixed_codes_are_not_cut_into_card_numbers():
    from privacy.mask import find_personal_data

    assert not list(find_personal_data("11410108605373408R"))


def test_an_id_number_that_also_passes_the_uscc_check_is_still_masked():
    from data_contracts.identifiers import is_valid_uscc
    from privacy.mask import mask_text

    leaked = "62030219990227359X"  # found in the sample: a valid 身份证 that is also a valid USCC
    assert is_valid_uscc(leaked)
    assert mask_text(f"当事人身份证号{leaked}。") == "当事人身份证号【身份证号】。"


def _sample_cells(out: Path) -> list[str]:
    """Every cell of the bundled sample ledgers (all feeds, every file) as text."""
    from ingest.readers import read_grids
    from sample_data import generate_sample

    generate_sample(out)
    cells: list[str] = []
    for path in sorted(p for p in out.rglob("*") if p.suffix.lower() in (".csv", ".xlsx", ".xls")):
        for grid in read_grids(path)[1]:
            cells += [c for row in grid.rows for c in row if c]
    return cells


def _planted_texts() -> list[str]:
    """Identifiers of every kind and spelling the detector knows, inside and around free text."""
    ids = [PERSON_ID, PERSON_ID_15, PERSON_ID.lower(), "62030219990227359X", "4111111111111111",
           "4111 1111 1111 1111", "4111-1111-1111-1111", "6222021234567890123", "13912345678", "139-1234-5678",
           "139 1234 5678", "+86 13912345678", "86-13912345678", "0371-6788123", "(0371)67881234",
           "010 12345678", "6788123-12", "zs@example.com", "a.b+c@x-y.org.cn", "91410100MA1234567X",
           "11410108605373408R", "0.9371234567890129", "name_0123456789abcdef01234567", "1234567", "12-34-56-7"]
    texts = []
    for ident in ids:
        texts += [ident, f"当事人{ident}。", f"电话{ident}，另{ident}", f"x{ident}y", f"{ident}{ident}"]
    return texts


def test_the_pre_filter_never_hides_a_finding(tmp_path: Path) -> None:
    """Text the pre-filter skips has no finding: both paths agree on the sample, planted and random text."""
    import random

    from privacy.mask import _MAY_HOLD, _find_all, find_personal_data

    rng = random.Random(7)
    noise = ["".join(rng.choice("0123456789 -@.xX（）()+8６１３－＠Ｘ\u3000") for _ in range(rng.randint(1, 30)))
             for _ in range(20_000)]
    texts = _sample_cells(tmp_path / "sample") + _planted_texts() + noise
    skipped = 0
    for text in texts:
        assert list(find_personal_data(text)) == list(_find_all(text)), text
        skipped += not _MAY_HOLD.search(text)
    assert skipped > len(texts) // 10  # the filter does skip text (else it is pointless)
    assert all(list(find_personal_data(t)) for t in (f"证件{PERSON_ID}", "电话13912345678", "zs@example.com"))


# Words and characters the shapes are made of, so random text holds them often (names, addresses, accounts…).
_SHAPE_PARTS = ["家住", "住址：", "地址:", "文化路", "幸福小区", "张庄村", "88号", "3栋", "2单元", "501室",
                "号楼", "我叫", "本人", "联系人", "当事人", "是", "王", "欧阳", "明", "先生", "QQ", "微信号",
                "wx_abc123", "账号", "卡号", "豫A", "京AD", "12345", "1391234", "5678", "@", "a.b", "cn", " ",
                "\x1c", "\x1f", "\u3000", "\xa0", "：", "，", "-", "０３", "〔2025〕", "罚", "一二", "(0371)",
                "0371", "6788123", "ADYC20241459", "-12", "\n", "姓名", "为", "女士", "电话", "男", "岁", "店",
                "您", "称", "【", "１３９", "１２３４", "－", "＠", "ｑｑ．ｃｏｍ", "Ｘ"]


def test_texts_spared_in_one_pass_are_those_the_detector_leaves_alone(tmp_path: Path) -> None:
    """`unchanged_texts` (the shapes without their look-arounds, one pass in Rust) never spares a text that
    `mask_identifiers` changes, on the sample, planted identifiers and random text made of the shapes' parts."""
    import random

    from privacy.mask import mask_identifiers, unchanged_texts

    rng = random.Random(11)
    noise = ["".join(rng.choice(_SHAPE_PARTS) for _ in range(rng.randint(1, 12))) for _ in range(30_000)]
    texts = set(_sample_cells(tmp_path / "sample") + _planted_texts() + noise)
    changed = {t for t in texts if mask_identifiers(t) != t}
    spared = unchanged_texts(texts)
    assert spared.isdisjoint(changed)
    assert len(changed) > 5_000 and len(spared) > len(texts) // 3  # both kinds are common: the test can fail
    assert unchanged_texts({"惠市监罚〔2025〕1号"}) == set()  # a handful of texts: checked one by one instead


@pytest.mark.parametrize(("text", "masked"), [
    ("来电人电话１３９１２３４５６７８，要求回复", "来电人电话【手机号】，要求回复"),
    ("电话１３９－１２３４－５６７８", "电话【手机号】"),
    ("电话139－1234－5678", "电话【手机号】"),
    ("电话（0371）６７８８１２３４", "电话（0371）６７８８１２３４"),  # no area code or dash read: an amount
    ("身份证号１１０１０５１９４９１２３１００２Ｘ", "身份证号【身份证号】"),
    ("身份证号11010519491231002Ｘ", "身份证号【身份证号】"),
    ("邮箱zs＠example.com", "邮箱【邮箱】"),
    ("罚款１２．５万元，第１２３４５号", "罚款１２．５万元，第１２３４５号"),
])
def test_identifiers_typed_full_width_are_masked(text: str, masked: str) -> None:
    """A Chinese input method's full-width mode types １３９１２３４５６７８: read as its ASCII self, also where
    the texts of a column are spared in one pass (`unchanged_texts`)."""
    from privacy.mask import mask_text, unchanged_texts

    assert mask_text(text) == masked
    filler = {f"普通文本{i}" for i in range(400)}
    if masked != text:
        assert text not in unchanged_texts(filler | {text})


def test_pseudonyms_are_memoised_per_key() -> None:
    """The cache never hands one key's pseudonym to another key."""
    a = pseudonym(KEY, "id", PERSON_ID)
    b = pseudonym(b"another-key-0123456", "id", PERSON_ID)
    assert a != b and pseudonym(KEY, "id", PERSON_ID) == a
    assert pseudonym(b"another-key-0123456", "id", PERSON_ID) == b


def test_pseudonym_values_never_change() -> None:
    """Stored pseudonyms link a person's rows across years: the value for a known key and input is pinned."""
    assert pseudonym(KEY, "id", PERSON_ID) == "id_cb37a6e5fedcc33146d1b198"
    assert pseudonym(KEY, "name", "张三") == "name_48c0aea8b309370df229a922"
    assert pseudonym(KEY, "phone", "+86 139-1234-5678") == "tel_a92726e3a0bbd1285e1bcb29"


@pytest.mark.parametrize(("text", "masked"), [
    ("我叫王小明，家住金水区文化路88号3栋2单元501室。", "我叫【姓名】，家住【地址】。"),
    ("本人张三反映幸福小区5号楼2单元302室漏水", "本人【姓名】反映【地址】漏水"),
    ("联系人李女士要求回电", "联系人【姓名】要求回电"),
    ("当事人欧阳明华，男，1980年生", "当事人【姓名】，男，1980年生"),
    ("我是刘建国", "我是【姓名】"),
    ("举报古田二路158号夜间施工", "举报【地址】夜间施工"),
    ("张庄村3组有人焚烧秸秆", "【地址】有人焚烧秸秆"),
    ("车牌豫A12345违停，另一辆京AD12345", "车牌【车牌号】违停，另一辆【车牌号】"),
    ("QQ:12345678，微信号 wx_abc123", "QQ:【社交账号】，微信号 【社交账号】"),
    ("退款请打到账号 6228 4800 1234 567", "退款请打到账号 【银行账号】"),
    ("联系电话13912345678.请回电", "联系电话【手机号】.请回电"),
    ("电话13912345678.5月5日来电", "电话【手机号】.5月5日来电"),
    ("座机0371-67881234.2", "座机【电话】.2"),
])
def test_names_addresses_plates_accounts_are_masked(text: str, masked: str) -> None:
    assert mask_text(text) == masked


@pytest.mark.parametrize("text", [
    "当事人销售不合格食品，货值金额1234567.89元。",  # 当事人 followed by a verb
    "当事人王记面馆（经营者：某某）在天河路经营场所销售",  # a shop, and a road without a number
    "郑州市惠济区刘寨街道办事处", "文化路街道办事处", "金水区文化路社区居民委员会",  # unit names
    "惠市监罚〔2025〕999号", "《中华人民共和国食品安全法》第一百二十四条",  # numbers and law text
    "来电人称天河路某小区停水已超过一天", "汉西一路", "比率0.9371234567890129", "得分93.125",
    "本人向您反映", "投诉人解释说明情况", "我是安徽人，全日制本科",  # seen in a real hotline export
])
def test_unit_names_places_numbers_and_law_text_are_left_alone(text: str) -> None:
    assert mask_text(text) == text
    assert [f for f in find_personal_data(text) if f.kind in AUDIT_KINDS] == []


def test_the_sample_has_no_address_or_identifier_outside_the_planted_ones(tmp_path: Path) -> None:
    """Every cell of the bundled sample: the audit's kinds find only the planted phones and ID numbers, never
    an address shape in unit names, place names or law text (the gate would stop every publication)."""
    kinds = {f.kind for cell in _sample_cells(tmp_path / "s") for f in find_personal_data(cell)
             if f.kind in AUDIT_KINDS}
    assert "address" not in kinds


def test_known_names_are_found_by_keyed_hashes_only() -> None:
    from privacy.names import KnownNames, hash_rows

    rows = hash_rows(KEY, ["张三", "欧阳明华", "Acme Ltd", "郑州某某食品有限公司"])
    assert len(rows) == 4  # two names and their two initials; a company or a Latin name is not hashed
    assert all("张" not in h and len(h) == 32 for _, h in rows)
    known = KnownNames(KEY, {h for k, h in rows if k == "name"}, {h for k, h in rows if k == "initial"})
    assert known.initials == "张欧"
    assert known.mask("举报张三和欧阳明华在张家口") == "举报【姓名】和【姓名】在张家口"
    other = KnownNames(b"another-key-0123456", {h for k, h in rows if k == "name"}, set())
    assert other.mask("举报张三") == "举报张三"  # without the key nothing is recognised


def test_a_known_name_inside_a_word_of_the_standard_is_that_word() -> None:
    """At province scale 于立 was a party's name, and the gate stopped the build on the rule message
    不得早于立案日期 (contract results, data docs). A name overlapping the standard's words is not a finding."""
    from privacy.names import KnownNames, hash_rows, standard_words

    rows = hash_rows(KEY, ["于立", "张三"])
    known = KnownNames(KEY, {h for k, h in rows if k == "name"}, {h for k, h in rows if k == "initial"})
    message = "不得早于立案日期（移送公安机关日期）"
    assert standard_words().search(message)
    assert list(known.find(message)) == []
    assert known.mask(message) == message
    assert known.mask("举报于立和张三，于立案后") == "举报【姓名】和【姓名】，于立案后"


def test_a_name_learned_later_is_masked_in_a_text_masked_before() -> None:
    """Masks are memoised per text; a name learned from a later chunk (its initial already known) must not be
    answered from the memo of a text masked before the name was known."""
    from privacy.names import KnownNames, hash_rows

    rows = hash_rows(KEY, ["张三"])
    known = KnownNames(KEY, {h for k, h in rows if k == "name"}, {h for k, h in rows if k == "initial"})
    assert known.mask("张四来电反映噪音") == "张四来电反映噪音"
    # what add returns is what ingest stores: every name's rows, those already known included
    assert known.add(["张四", "张三", "Acme Ltd", "张 四"]) == hash_rows(KEY, ["张四", "张三"])
    assert known.mask("张四来电反映噪音") == "【姓名】来电反映噪音"
