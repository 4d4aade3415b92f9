#!/usr/bin/env python3
"""Writes common-passwords.txt: passwords that policy-passing users pick
first and that guessing tools try first. Composed from widely known
patterns (not copied from any leaked list): common words, names and
places in pinyin, keyboard walks and digit runs, each with the usual
capitalisation and the usual suffixes (digits, years, symbols).

One lowercase password a line; the policy compares case-insensitively.
Run from this folder: python3 common-passwords.py
"""

words = """
password passw0rd p@ssword p@ssw0rd pass admin administrator root user test guest login welcome
letmein iloveyou monkey dragon master shadow sunshine princess football baseball superman batman
trustno1 qwerty qwertyuiop asdf asdfgh asdfghjkl zxcvbn zxcvbnm qazwsx qazwsxedc 1qaz 2wsx 1q2w3e
1q2w3e4r abc abcd abcde abcdef abcdefg abc123 aaa aaaa aaaaaa secret changeme default system server
manager office company service support network internet computer hello hello1 love lover freedom
china beijing shanghai guangzhou shenzhen jiangxi nanchang jiujiang ganzhou jian yichun shangrao
fuzhou pingxiang xinyu yingtan jingdezhen zhongguo woaini woaini1314 aini wojiushiwo nihao
zhang wang li liu chen yang zhao huang zhou wu xu sun hu zhu gao lin he guo ma luo
zhangwei wangwei wangfang lina liuyang zhangmin lijing wangjing liqiang zhangli
gov rensheju renshe rsj hrss shebao jiuye rencai gongzuo bangong xinxi xuanchuan
huawei baidu taobao tencent alibaba weixin weibo douyin toutiao qq qqq
iloveu ilovechina woshishui wodemima mima mimamima
""".split()

suffixes = """
  1 12 123 1234 12345 123456 1234567 12345678 ! !! @ # $ . _ 1! 12! 123! 1234! @1 @12 @123 @1234
  #1 #123 _1 _123 .1 .123 1@ 123@ 01 11 111 1111 00 000 666 888 999 520 521 1314 5201314 007
  2008 2010 2012 2015 2016 2017 2018 2019 2020 2021 2022 2023 2024 2025 2026 2027
  @2020 @2021 @2022 @2023 @2024 @2025 @2026 @2027 #2024 #2025 #2026 _2024 _2025 _2026
  2024! 2025! 2026! .2025 .2026
""".split() + [""]

walks = """
12345678 123456789 1234567890 0123456789 87654321 987654321 11111111 00000000 88888888 66666666
12341234 11223344 123123123 aa123456 aaa123456 a1234567 a12345678 abc12345 abcd1234 abcd12345
qwer1234 1qaz2wsx 1qaz@wsx 1qaz!qaz 2wsx3edc zaq12wsx 1q2w3e4r5t q1w2e3r4 qwe123 qwe12345 qweasd
qweasdzxc asd123 asd12345 zxc123 zxc12345 p@55w0rd pa55word pa$$word passw0rd! password! admin@123
admin#123 admin123 admin1234 admin12345 root123 root@123 test123 test@123 user123 guest123
""".split()

out = set(w for w in walks)
for w in words:
    for base in {w, w.capitalize()}:
        for s in suffixes:
            out.add((base + s).lower())
for n in range(1900, 2031):
    out.add(f"a{n}a{n}")
# Only what could pass a length rule matters, but keep the short ones: a
# site may configure a shorter minimum.
lines = sorted(p for p in out if 6 <= len(p) <= 64)
with open("common-passwords.txt", "w", encoding="utf-8") as f:
    f.write("\n".join(lines) + "\n")
print(len(lines), "passwords")
