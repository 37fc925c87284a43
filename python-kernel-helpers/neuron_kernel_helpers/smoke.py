"""Tiny local models and data for the templates' CPU smoke mode.

Smoke mode walks through a whole template on CPU in minutes, with no access to
the Hugging Face Hub: a small random-weight BERT whose vocabulary is built from
the local Japanese sentences below with a real MeCab tokenizer (fugashi +
unidic-lite), and small generated leaf images for ViT. The data has the same
columns as the real datasets, so the notebooks' code is the same in both modes.

The results mean nothing about real accuracy; they prove that every cell runs.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from .tutorial_data import LABELS_FILE

#: The label names of ``tyqiangz/multilingual-sentiments``, in label order.
SENTIMENT_LABELS = ("positive", "neutral", "negative")

#: The label names of the ``beans`` dataset, in label order.
BEAN_LABELS = ("angular_leaf_spot", "bean_rust", "healthy")

#: Value of the ``source`` column of the local sentences.
SMOKE_SOURCE = "jupyterlab-neuron-smoke"

_POSITIVE = (
    "この商品は本当に素晴らしいです。買ってよかったです。",
    "とても使いやすくて、毎日愛用しています。",
    "期待以上の品質で大満足です。",
    "店員さんの対応が丁寧で、気持ちよく買い物ができました。",
    "配送がとても早くて助かりました。",
    "料理がおいしくて、また行きたいと思います。",
    "音質が良く、長時間使っても疲れません。",
    "デザインがかわいくて、家族にも好評です。",
    "このホテルは部屋が広くてきれいでした。",
    "説明書がわかりやすく、すぐに使い始められました。",
    "値段の割に性能が高く、とてもお得だと思います。",
    "友人にも自信を持っておすすめできる本です。",
    "バッテリーが長持ちするので、旅行にも安心です。",
    "サポートの返信が早く、問題がすぐに解決しました。",
    "映画の最後の場面に感動しました。",
    "肌触りが良くて、子どもも気に入っています。",
    "組み立てが簡単で、仕上がりもしっかりしています。",
    "景色が最高で、素敵な思い出になりました。",
    "丈夫で軽く、毎日の通勤に最適です。",
    "香りが良くて、使うたびに癒やされます。",
    "画面が明るく見やすいので、とても満足しています。",
    "スタッフの皆さんが親切で、居心地が良かったです。",
    "期待していた通りの素晴らしい仕上がりでした。",
    "このアプリのおかげで家計簿が続けられています。",
    "味も量も申し分なく、コスパ抜群です。",
    "静かでよく冷えるので、買い替えて正解でした。",
    "読みやすい文章で、一気に最後まで読みました。",
    "梱包が丁寧で、商品もきれいな状態で届きました。",
    "操作が直感的で、初心者でも迷いません。",
    "何度使っても壊れず、とても頼りになります。",
    "とても良い買い物でした。ありがとうございました。",
    "想像以上に快適で、毎晩ぐっすり眠れます。",
)

_NEGATIVE = (
    "すぐに壊れてしまい、とても残念です。",
    "説明と違う商品が届き、がっかりしました。",
    "音が割れて聞き取りにくく、使い物になりません。",
    "店員さんの態度が悪く、二度と行きません。",
    "配送が一週間以上遅れ、連絡もありませんでした。",
    "料理が冷めていて、味もいまひとつでした。",
    "値段が高いわりに品質が低く、損をした気分です。",
    "部屋が汚くて、においも気になりました。",
    "説明書がわかりにくく、結局使えませんでした。",
    "バッテリーの持ちが悪く、半日も持ちません。",
    "サポートに何度連絡しても返事がありません。",
    "期待外れの内容で、最後まで読めませんでした。",
    "生地が薄く、一度洗っただけで縮みました。",
    "組み立ての途中で部品が足りないことに気づきました。",
    "画面が暗くて見づらく、目が疲れます。",
    "アプリがすぐに落ちるので、まったく使えません。",
    "量が少なく、値段に見合っていないと思います。",
    "動作音がうるさくて、夜は使えません。",
    "梱包が雑で、箱がつぶれた状態で届きました。",
    "操作が複雑で、何度やってもうまくいきません。",
    "においがきつくて、使うのをやめました。",
    "映画の展開が退屈で、途中で眠ってしまいました。",
    "サイズが合わず、返品の手続きも面倒でした。",
    "届いた時点で傷だらけで、ひどい状態でした。",
    "最悪の対応で、本当に不愉快でした。",
    "すぐに電池が切れて、とても不便です。",
    "写真と色がまったく違い、残念な気持ちです。",
    "使い始めて三日で動かなくなりました。",
    "予約していたのに待たされ、説明もありませんでした。",
    "味が濃すぎて、最後まで食べられませんでした。",
    "二度と買いません。お金の無駄でした。",
    "冷房が効かず、暑くて眠れませんでした。",
)

_NEUTRAL = (
    "普通の商品だと思います。",
    "可もなく不可もなく、値段相応です。",
    "特に良くも悪くもありませんでした。",
    "届いた商品は写真の通りでした。",
    "使い方は一般的な製品と同じです。",
    "サイズは標準的でした。",
    "まだ使い始めたばかりなので、評価はこれからです。",
    "色は黒と白の二種類から選べます。",
    "駅から歩いて十分ほどの場所にあります。",
    "平日の昼間は比較的すいていました。",
    "説明書は日本語と英語で書かれています。",
    "前のモデルとほとんど変わらない印象です。",
)


def japanese_sentiment_rows() -> list[dict[str, object]]:
    """Every local sentence as a row ``{"text", "source", "label"}``.

    Labels follow ``tyqiangz/multilingual-sentiments``: 0 positive, 1 neutral,
    2 negative.
    """
    rows: list[dict[str, object]] = []
    for label, sentences in ((0, _POSITIVE), (1, _NEUTRAL), (2, _NEGATIVE)):
        rows.extend({"text": text, "source": SMOKE_SOURCE, "label": label} for text in sentences)
    return rows


def japanese_sentiment_splits() -> dict[str, list[dict[str, object]]]:
    """The local sentences split like the real dataset: train / validation / test.

    Every fourth sentence of each label goes to test, every seventh of the rest
    to validation; the split is fixed so that smoke runs are reproducible.
    """
    splits: dict[str, list[dict[str, object]]] = {"train": [], "validation": [], "test": []}
    per_label: dict[object, int] = {}
    for row in japanese_sentiment_rows():
        position = per_label.get(row["label"], 0)
        per_label[row["label"]] = position + 1
        if position % 4 == 3:
            splits["test"].append(row)
        elif position % 7 == 6:
            splits["validation"].append(row)
        else:
            splits["train"].append(row)
    return splits


def mecab_words(texts: Iterable[str]) -> list[str]:
    """The distinct MeCab (unidic-lite) words of ``texts``, in first-seen order.

    Uses the same word tokenizer class as ``BertJapaneseTokenizer``, so the
    vocabulary matches how the tokenizer will split sentences.
    """
    from transformers.models.bert_japanese.tokenization_bert_japanese import MecabTokenizer

    tokenizer = MecabTokenizer(do_lower_case=False, mecab_dic="unidic_lite")
    words: dict[str, None] = {}
    for text in texts:
        for word in tokenizer.tokenize(text):
            words.setdefault(word, None)
    return list(words)


def tiny_vocabulary(texts: Iterable[str]) -> list[str]:
    """A WordPiece vocabulary: special tokens, MeCab words, then characters.

    Single characters and their ``##`` continuations let WordPiece spell any
    unseen word made of known characters instead of producing ``[UNK]``.
    """
    texts = list(texts)
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = mecab_words(texts)
    characters = sorted({char for text in texts for char in text if not char.isspace()})
    vocabulary: dict[str, None] = dict.fromkeys(specials)
    vocabulary.update(dict.fromkeys(words))
    vocabulary.update(dict.fromkeys(characters))
    vocabulary.update(dict.fromkeys(f"##{char}" for char in characters))
    return list(vocabulary)


def build_tiny_bert_ja(
    out_dir: str | os.PathLike[str],
    texts: Iterable[str],
    *,
    label_names: Sequence[str] = ("positive", "negative"),
    max_position_embeddings: int = 128,
    seed: int = 0,
) -> str:
    """Save a small random-weight Japanese BERT classifier and its tokenizer.

    The tokenizer is a real ``BertJapaneseTokenizer`` (MeCab word splitting with
    unidic-lite, then WordPiece) over a vocabulary built from ``texts``. Returns
    the folder, usable wherever a Hub model id is (``from_pretrained``).
    """
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertJapaneseTokenizer

    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    vocab_file = folder / "vocab.txt"
    vocab_file.write_text("\n".join(tiny_vocabulary(texts)) + "\n", encoding="utf-8")
    tokenizer = BertJapaneseTokenizer(
        str(vocab_file),
        do_lower_case=False,
        word_tokenizer_type="mecab",
        subword_tokenizer_type="wordpiece",
        mecab_kwargs={"mecab_dic": "unidic_lite"},
        model_max_length=max_position_embeddings,
    )
    tokenizer.save_pretrained(folder)
    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=128,
        max_position_embeddings=max_position_embeddings,
        num_labels=len(label_names),
        id2label=dict(enumerate(label_names)),
        label2id={name: index for index, name in enumerate(label_names)},
    )
    BertForSequenceClassification(config).save_pretrained(folder)
    return str(folder)


def _leaf_image(label: str, size: int, rng: object) -> object:
    """One generated leaf image whose look depends on the label."""
    import numpy as np
    from PIL import Image

    generator: np.random.Generator = rng  # type: ignore[assignment]
    green = np.array([60, 140, 50], dtype=np.float32)
    pixels = np.empty((size, size, 3), dtype=np.float32)
    pixels[:] = green + generator.normal(0, 12, size=(size, size, 3))
    if label == "angular_leaf_spot":
        # A few dark brown angular patches.
        for _ in range(generator.integers(3, 6)):
            y, x = generator.integers(0, size - size // 5, size=2)
            h, w = generator.integers(size // 10, size // 5, size=2)
            pixels[y : y + h, x : x + w] = [70, 45, 25]
    elif label == "bean_rust":
        # Many small orange-brown dots.
        for _ in range(generator.integers(25, 45)):
            y, x = generator.integers(1, size - 2, size=2)
            pixels[y - 1 : y + 2, x - 1 : x + 2] = [190, 95, 30]
    return Image.fromarray(np.clip(pixels, 0, 255).astype("uint8"), mode="RGB")


def generate_leaf_images(
    out_dir: str | os.PathLike[str],
    *,
    per_class: Mapping[str, int] | None = None,
    size: int = 64,
    seed: int = 0,
) -> dict[str, str]:
    """Write small generated bean-leaf images as image folders, one per split.

    Layout: ``out_dir/<split>/<label>/<n>.png`` with ``labels.json`` in each
    split folder, the same layout the real ``beans`` export produces. Returns
    ``{split: folder}``.
    """
    import numpy as np

    counts = dict(per_class or {"train": 24, "validation": 6, "test": 6})
    rng = np.random.default_rng(seed)
    folders: dict[str, str] = {}
    for split, count in counts.items():
        split_dir = Path(out_dir) / split
        split_dir.mkdir(parents=True, exist_ok=True)
        (split_dir / LABELS_FILE).write_text(json.dumps(list(BEAN_LABELS)), "utf-8")
        for label in BEAN_LABELS:
            (split_dir / label).mkdir(exist_ok=True)
            for number in range(count):
                image = _leaf_image(label, size, rng)
                image.save(split_dir / label / f"{number:05d}.png")  # type: ignore[attr-defined]
        folders[split] = str(split_dir)
    return folders


def build_tiny_vit(
    out_dir: str | os.PathLike[str],
    label_names: Sequence[str] = BEAN_LABELS,
    *,
    image_size: int = 32,
    seed: int = 0,
) -> str:
    """Save a small random-weight ViT classifier and its image processor.

    Normalisation matches ``google/vit-base-patch16-224-in21k`` (mean and std
    0.5); only the image size and the model are smaller. Returns the folder.
    """
    import torch
    from transformers import ViTConfig, ViTForImageClassification, ViTImageProcessor

    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    processor = ViTImageProcessor(
        do_resize=True,
        size={"height": image_size, "width": image_size},
        do_normalize=True,
        image_mean=[0.5, 0.5, 0.5],
        image_std=[0.5, 0.5, 0.5],
    )
    processor.save_pretrained(folder)
    torch.manual_seed(seed)
    config = ViTConfig(
        image_size=image_size,
        patch_size=8,
        num_channels=3,
        hidden_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=128,
        num_labels=len(label_names),
        id2label=dict(enumerate(label_names)),
        label2id={name: index for index, name in enumerate(label_names)},
    )
    ViTForImageClassification(config).save_pretrained(folder)
    return str(folder)
