#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz targets (tests/fuzz/corpus/).

Request bodies come from the real CLI: each write is made offline (no broker
at --bus), so hj stores the exact packed request in a spool, and the spool
file itself seeds the spool reader. Reads are never spooled: they are encoded
here from the .proto field numbers. Run from the checkout after a build:
    tests/fuzz/make_seeds.py build/bin/hj
"""
import glob, os, shutil, subprocess, sys, tempfile

HJ = sys.argv[1] if len(sys.argv) > 1 else "build/bin/hj"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
P1 = "6f0e3b1a-1111-4222-8333-444455556661"
P2 = "6f0e3b1a-1111-4222-8333-444455556662"

WRITES = {
    "fuzz_registry": [
        "district add --code KBS --name 康巴什区",
        "subdistrict add --code KBS-BH --name 滨河街道 --district KBS",
        "community add --code KBS-BH-01 --name 滨河社区 --subdistrict KBS-BH --org committee",
        "community update KBS-BH-01 --name 新滨河社区 --org general_branch",
        "person add --name 王丽 --gender female --ethnicity 汉族 --birth 1978-05-02 --party-member --id-card 15060319780502002X",
        f"seat add --community KBS-BH-01 --person {P1} --committee party --role secretary --from 2021-01-15 --to 2026-01-14",
        f"seat end {P2} --on 2024-02-29",
    ],
    "fuzz_audit": [
        "audit open --community KBS-BH-01 --term 2021-2026 --from 2021-01-01 --to 2025-12-31 --auditor 张审计 --auditor 李审计 --opened 2026-01-05",
        "audit scope add KBS-BH-01 --title 物业专项维修资金 --note 居民代表要求",
        "audit scope add KBS-BH-01 --title 停车费收支 --basis representatives --signers 12 --eligible 30 --requested-by 居民代表王芳等12人 --requested-on 2026-01-10",
        "audit scope set KBS-BH-01 3 --status examined --note 无问题",
        "audit finding add KBS-BH-01 --item 2 --severity irregularity --text 票据不全 --amount 1234.56 --responsible 会计 --evidence 凭证12号",
        "audit finding update KBS-BH-01 1 --remedy remedied --note 已补票据 --evidence 补充凭证",
        "audit advance KBS-BH-01 --to fieldwork --on 2026-01-20",
        "audit advance KBS-BH-01 --to planned --reason 范围调整",
        "audit publish KBS-BH-01 --on 2026-02-01",
    ],
    "fuzz_interviews": [
        f"talk add --community KBS-BH-01 --phase preparation --date 2026-01-12 --interviewer {P1} --person {P2} --summary 愿意继续服务 --topic 换届人选 --follow-up 约谈物业|街道换届办|2026-02-01 --concern",
        f"talk add --community KBS-BH-01 --phase survey --date 2026-01-03 --interviewer {P1} --interviewer {P2} --party property_company --name 物业经理 --summary 物业矛盾",
        f"talk close {P1} --follow-up 1 --on 2026-01-20",
    ],
}

def varint(n):
    out = bytearray()
    n &= (1 << 64) - 1
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)

def field(no, value):
    if isinstance(value, int):
        return varint(no << 3) + varint(value)
    if isinstance(value, str):
        value = value.encode()
    return varint(no << 3 | 2) + varint(len(value)) + value

READS = {
    "fuzz_registry": [
        field(14, field(1, "KBS-BH-01")), field(15, field(1, "KBS-BH") + field(2, 50)),
        field(17, field(1, P1)), field(18, field(1, "KBS-BH-01") + field(3, P1)),
        field(21, field(2, 1000)), field(15, field(2, -1)), b"",
    ],
    "fuzz_audit": [
        field(11, field(1, "KBS-BH-01") + field(2, "2021-2026")), field(12, field(2, 4) + field(3, 10)),
        field(15, field(1, "KBS-BH-01")), field(19, b""), field(19, field(1, "KBS-BH-01")),
        field(20, field(1, "KBS-BH-01")),
    ],
    "fuzz_interviews": [
        field(11, field(1, P1)),
        field(12, field(1, "KBS-BH-01") + field(2, 2) + field(3, P1) + field(4, "2026-01-01")
              + field(5, "2026-02-28") + field(6, 20)),
        field(13, b""), field(13, field(1, "KBS-BH-01")),
    ],
}

CSV = [
    b"code,name,subdistrict\nKBS-BH-01,\xe6\xbb\xa8\xe6\xb2\xb3\xe7\xa4\xbe\xe5\x8c\xba,KBS-BH\n",
    b"\xef\xbb\xbfa,\"b,c\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",,\n\"\"\n",
    b"name,amount\n\"\xe7\x8e\x8b\xe4\xb8\xbd\",1234.56\r\n\n\nx,\" padded \"\n",
]

def main():
    spool = tempfile.mkdtemp(prefix="hj-seeds-")
    env = dict(os.environ, HJ_SPOOL=spool)
    for target, cmds in WRITES.items():
        os.makedirs(os.path.join(OUT, target), exist_ok=True)
        for i, cmd in enumerate(cmds):
            for f in glob.glob(os.path.join(spool, "waiting", "*")):
                os.unlink(f)
            subprocess.run([HJ] + cmd.split(" ") + ["--bus", "tcp://127.0.0.1:9", "--timeout", "50",
                           "--tries", "1"], env=env, check=True, capture_output=True)
            (path,) = glob.glob(os.path.join(spool, "waiting", "*"))
            data = open(path, "rb").read()
            start = data.index(b"\nbody ") + 6
            length = int(data[start:data.index(b"\n", start)])
            body_at = data.index(b"\n", start) + 1
            open(os.path.join(OUT, target, f"write-{i:02d}"), "wb").write(data[body_at:body_at + length])
            os.makedirs(os.path.join(OUT, "fuzz_spool"), exist_ok=True)
            shutil.copy(path, os.path.join(OUT, "fuzz_spool", f"{target[5:]}-{i:02d}"))
        for i, body in enumerate(READS[target]):
            open(os.path.join(OUT, target, f"read-{i:02d}"), "wb").write(body)
    os.makedirs(os.path.join(OUT, "fuzz_csv"), exist_ok=True)
    for i, text in enumerate(CSV):
        open(os.path.join(OUT, "fuzz_csv", f"seed-{i:02d}.csv"), "wb").write(text)
    shutil.rmtree(spool)

main()
