"""The tables of the monitoring data: data types, pollutant codes, flags and refusal reasons."""

from __future__ import annotations

import datetime as dt

#: CN (command number) of the data types imported -> (name, length of the period).
DATA_TYPES: dict[str, tuple[str, dt.timedelta]] = {
    "2061": ("小时数据", dt.timedelta(hours=1)),
    "2031": ("日数据", dt.timedelta(days=1)),
}

#: HJ 212-2017 pollutant codes read -> the pollutant's name as content writes it.
POLLUTANTS: dict[str, str] = {
    "a21026": "二氧化硫",
    "a21002": "氮氧化物",
    "a34013": "颗粒物",
    "a19001": "氧含量",
    "a01012": "烟气温度",
    "a01011": "烟气流速",
    "a00000": "废气流量",
    "w01018": "化学需氧量",
    "w21003": "氨氮",
    "w01001": "pH值",
    "w21011": "总磷",
    "w21001": "总氮",
    "w00000": "废水流量",
}

#: Data flags -> meaning. Only ``N`` data count toward compliance (DOMAIN.md).
FLAGS: dict[str, str] = {
    "N": "正常",
    "F": "停运",
    "M": "维护",
    "S": "手工设定值",
    "D": "仪器故障",
    "C": "校准",
    "T": "超测量上限",
    "B": "通信故障",
}

#: Why a frame or a value is refused -> the words of the summary and the rejects file.
REASONS: dict[str, str] = {
    "form": "帧格式不对",
    "length": "数据段长度不符",
    "crc": "CRC 校验不符",
    "type": "不导入的数据类型（CN）",
    "mn": "未登记的数采仪编号（MN）",
    "time": "数据时间不合法",
    "future": "数据时段尚未结束（未来时间）",
    "code": "未知的污染物代码",
    "value": "数值不是数字",
    "flag": "数据标记缺失或不合法",
    "duplicate": "同一文件中重复的时段",
    "encoding": "文件编码无法识别",
}

#: The fields of a pollutant's values that are stored, as HJ 212 names them.
NUMBERS = ("Avg", "Min", "Max", "ZsAvg")
