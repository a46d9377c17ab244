"""The CPU probe that every speed figure and the embedding calibration rely on."""

from __future__ import annotations

import pytest

from pni.embed.cpu import (
    CpuInfo,
    _from_proc,
    cpu_info,
    describe,
    flops_per_token,
    paper_peak,
    signature,
)

X86 = """processor\t: 0
vendor_id\t: AuthenticAMD
model name\t: AMD EPYC 7B12
flags\t\t: fpu sse4_1 sse4_2 avx avx2 fma f16c
"""
ARM = """processor\t: 0
Features\t: fp asimd evtstrm aes crc32 asimddp i8mm
CPU implementer\t: 0x41
"""


def test_reads_model_and_flags_from_proc_cpuinfo() -> None:
    model, flags = _from_proc(X86)
    assert model == "AMD EPYC 7B12" and {"avx2", "fma"} <= flags
    info = CpuInfo(model, 2, frozenset(flags))
    assert not info.int8_dot  # AVX2 alone: int8 does not pay
    assert info.shown_flags == ["sse4_2", "avx", "avx2", "fma", "f16c"]
    assert "int8 dot-product instructions: no" in describe(info)


def test_vnni_and_arm_dotprod_count_as_int8_instructions() -> None:
    assert CpuInfo("x", 4, frozenset({"avx2", "avx512_vnni"})).int8_dot
    _, arm = _from_proc(ARM)
    assert CpuInfo("arm", 8, frozenset(arm)).int8_dot


def test_signature_changes_with_the_cpu() -> None:
    a = CpuInfo("A", 2, frozenset({"avx2"}))
    assert signature(a) == signature(CpuInfo("A", 2, frozenset({"avx2", "aes"})))  # unshown flag
    assert signature(a) != signature(CpuInfo("A", 2, frozenset({"avx2", "avx512_vnni"})))
    assert signature(a) != signature(CpuInfo("A", 4, frozenset({"avx2"})))


def test_this_machine_is_described() -> None:
    info = cpu_info()
    assert info.cores >= 1 and info.model
    assert describe().startswith(info.model)


def test_paper_peak_follows_the_instruction_set() -> None:
    zen4 = CpuInfo("AMD EPYC", 2, frozenset({"avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16"}))
    avx2 = CpuInfo("AMD EPYC 7B12", 2, frozenset({"avx2", "fma"}))
    spr = CpuInfo("Intel(R) Xeon(R) Platinum 8480+", 2,
                  frozenset({"avx2", "fma", "avx512f", "avx512_vnni", "amx_int8", "amx_bf16"}))
    assert paper_peak("fp32", zen4).ops == paper_peak("fp32", avx2).ops == 192e9
    assert paper_peak("int8", zen4).ops == 4 * paper_peak("fp32", zen4).ops
    assert paper_peak("bf16", zen4).ops == 2 * paper_peak("fp32", zen4).ops
    assert paper_peak("int8", avx2).ops == 2 * paper_peak("fp32", avx2).ops  # no VNNI
    assert paper_peak("fp32", spr).ops == 2 * paper_peak("fp32", zen4).ops  # full-width AVX-512
    assert "AMX" in paper_peak("int8", spr).instructions
    assert paper_peak("int8", zen4, ghz=1.5).ops == paper_peak("int8", zen4).ops / 2
    with pytest.raises(ValueError):
        paper_peak("int4", zen4)
    assert 21e6 < flops_per_token(6, 384, 1536) < 21.5e6
