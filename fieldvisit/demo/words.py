"""Word lists for the synthetic demo data: fictitious people and places in Shanghai."""

from __future__ import annotations

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯"
    "邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN_CHARS = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰玉华红"
    "建国志文晨宇浩然欣怡子涵梓轩雨嘉佳琪俊杰思远"
)

# (district, centre latitude, centre longitude, spread in degrees): WGS-84 points on land.
DISTRICTS = (
    ("黄浦区", 31.2317, 121.4846, 0.012),
    ("徐汇区", 31.1886, 121.4365, 0.020),
    ("长宁区", 31.2204, 121.4241, 0.015),
    ("静安区", 31.2465, 121.4560, 0.015),
    ("普陀区", 31.2490, 121.3970, 0.018),
    ("虹口区", 31.2646, 121.5050, 0.012),
    ("杨浦区", 31.2595, 121.5260, 0.018),
    ("浦东新区", 31.2215, 121.5440, 0.035),
    ("闵行区", 31.1128, 121.3817, 0.030),
)

# Invented street names: realistic in form, not meant to match real addresses.
STREET_STEMS = (
    "梧桐",
    "晨光",
    "锦绣",
    "春晖",
    "清泉",
    "云台",
    "望江",
    "松风",
    "海棠",
    "银杏",
    "长乐",
    "安康",
    "和平",
    "景明",
    "星河",
    "桂林",
    "紫荆",
    "翠竹",
    "兴业",
    "崇文",
)
STREET_KINDS = ("路", "街", "弄", "大道")
COMPOUNDS = ("花园", "新村", "小区", "公寓", "苑", "家园")
EMPLOYERS = ("示例科技有限公司", "样本贸易有限公司", "演示物流有限公司", "模拟餐饮管理有限公司")

PRODUCTS = ("credit_card", "credit_card", "credit_card", "consumer_loan")

TEAMS = (
    ("SH-E", "浦东外访一组", ("浦东新区", "杨浦区", "虹口区")),
    ("SH-C", "市区外访二组", ("黄浦区", "静安区", "普陀区")),
    ("SH-W", "西南外访三组", ("徐汇区", "长宁区", "闵行区")),
)

RISK_NOTES = (
    ("dog", "院内有大型犬，敲门前请先电话联系。", "medium", False, False),
    ("violence_history", "曾有言语威胁记录，须两人同行并在白天上门。", "high", True, True),
    ("police_advice", "辖区派出所建议避免夜间前往该楼栋。", "high", True, False),
    ("other", "楼道照明不足，注意安全。", "low", False, False),
)
