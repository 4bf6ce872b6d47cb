"""Words per language the assistant needs: what a question is about (facets), the words that
carry no content (stop words), and the names of the values it renders (materials, colours,
care instructions). Pure data plus a tokenizer; no database, no web framework.

The template languages are ``TEMPLATE_LANGS``; a question in another language is still
understood where its words are here or in the store's own copy, and answered through the
translation engines (or in English).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

TEMPLATE_LANGS: Final[tuple[str, ...]] = ("en", "es", "de", "fr", "ar", "id", "pt")

# The facets a question can be about. A facet's words say "this is what is asked".
FACETS: Final[tuple[str, ...]] = (
    "material",
    "variants",
    "dimensions",
    "weight",
    "care",
    "warranty",
    "returns",
    "shipping",
    "payment",
    "price",
    "stock",
    "origin",
    "specs",
    "sizing",
    "overview",
)

FACET_WORDS: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "material": {
        "en": ("material", "materials", "made of", "made from", "fabric", "what is it made"),
        "es": ("material", "hecho de", "hecha de", "tela", "tejido", "de qué está hecho"),
        "de": ("material", "stoff", "woraus", "aus was", "hergestellt aus", "gefertigt aus"),
        "fr": ("matière", "matériau", "fait en", "faite en", "tissu", "en quoi"),
        "ar": ("مادة", "المادة", "مصنوع", "مصنوعة", "خامة", "الخامة", "قماش"),
        "id": ("bahan", "bahannya", "terbuat dari", "material"),
        "pt": ("material", "feito de", "feita de", "tecido"),
    },
    "variants": {
        "en": ("size", "sizes", "colour", "colours", "color", "colors", "come in", "variant",
               "variants", "options"),
        "es": ("talla", "tallas", "tamaño", "tamaños", "color", "colores", "viene en"),
        "de": ("größe", "größen", "farbe", "farben", "varianten"),
        "fr": ("taille", "tailles", "couleur", "couleurs", "existe en"),
        "ar": ("مقاس", "مقاسات", "المقاس", "المقاسات", "لون", "ألوان", "الألوان", "اللون"),
        "id": ("ukuran", "ukurannya", "warna", "warnanya", "varian", "pilihan"),
        "pt": ("tamanho", "tamanhos", "cor", "cores", "vem em"),
    },
    "dimensions": {
        "en": ("dimensions", "how big", "measurements", "how long is it", "how wide", "how large",
               "length", "width"),
        "es": ("dimensiones", "medidas", "cuánto mide", "qué tan grande", "largo", "ancho"),
        "de": ("maße", "abmessungen", "wie groß", "wie lang ist", "wie breit", "länge", "breite"),
        "fr": ("dimensions", "mesures", "quelle taille fait", "longueur", "largeur"),
        "ar": ("أبعاد", "الأبعاد", "قياسات", "حجم", "الحجم", "طول", "عرض"),
        "id": ("dimensi", "seberapa besar", "panjang", "lebar", "besarnya"),
        "pt": ("dimensões", "medidas", "comprimento", "largura"),
    },
    "weight": {
        "en": ("weight", "weigh", "weighs", "heavy", "how light"),
        "es": ("peso", "pesa", "pesado"),
        "de": ("gewicht", "wiegt", "schwer"),
        "fr": ("poids", "pèse", "lourd"),
        "ar": ("وزن", "الوزن", "يزن", "تزن", "ثقيل"),
        "id": ("berat", "beratnya"),
        "pt": ("peso", "pesa", "pesado"),
    },
    "care": {
        "en": ("wash", "washing", "washable", "care", "clean", "cleaning", "dishwasher", "iron",
               "machine wash"),
        "es": ("lavar", "lava", "lavado", "lavarse", "cuidado", "cuidados", "limpiar",
               "lavavajillas", "planchar", "lavadora"),
        "de": ("waschen", "waschbar", "pflege", "reinigen", "spülmaschine", "bügeln",
               "waschmaschine"),
        "fr": ("laver", "lavage", "lavable", "entretien", "nettoyer", "lave-vaisselle",
               "repasser"),
        "ar": ("غسل", "غسيل", "يغسل", "أغسل", "اغسل", "تغسل", "تنظيف", "العناية", "غسالة"),
        "id": ("cuci", "mencuci", "dicuci", "perawatan", "merawat", "membersihkan"),
        "pt": ("lavar", "lavagem", "cuidado", "cuidados", "limpar", "lava-louça"),
    },
    "warranty": {
        "en": ("warranty", "guarantee", "guaranteed"),
        "es": ("garantía", "garantia"),
        "de": ("garantie", "gewährleistung"),
        "fr": ("garantie", "garanti"),
        "ar": ("ضمان", "الضمان", "كفالة"),
        "id": ("garansi", "jaminan", "garansinya"),
        "pt": ("garantia",),
    },
    "returns": {
        "en": ("return", "returns", "refund", "exchange", "send it back", "send back"),
        "es": ("devolución", "devoluciones", "devolver", "reembolso", "cambiar", "cambio"),
        "de": ("rückgabe", "zurückgeben", "rücksendung", "zurückschicken", "umtausch",
               "umtauschen", "erstattung", "retoure"),
        "fr": ("retour", "retours", "retourner", "remboursement", "rembourser", "échange",
               "échanger"),
        "ar": ("إرجاع", "ارجاع", "استرجاع", "استرداد", "استبدال", "الإرجاع"),
        "id": ("pengembalian", "retur", "kembalikan", "dikembalikan", "tukar", "refund"),
        "pt": ("devolução", "devolver", "reembolso", "troca", "trocar"),
    },
    "shipping": {
        "en": ("ship", "ships", "shipping", "delivery", "deliver", "arrive", "send to",
               "how long does it take", "postage"),
        "es": ("envío", "envíos", "envían", "envian", "enviar", "envio", "envios", "entrega",
               "llega", "tarda", "mandan"),
        "de": ("versand", "versenden", "versendet", "liefern", "lieferung", "liefert",
               "ankommen", "lieferzeit", "schickt ihr"),
        "fr": ("livraison", "livrer", "livrez", "expédition", "expédiez", "envoyez", "arrive",
               "délai"),
        "ar": ("شحن", "الشحن", "توصيل", "التوصيل", "يصل", "تصل", "ترسلون"),
        "id": ("kirim", "pengiriman", "ongkir", "sampai", "dikirim", "mengirim"),
        "pt": ("envio", "enviam", "entrega", "entregam", "frete", "chega"),
    },
    "payment": {
        "en": ("pay", "payment", "paying", "card", "paypal", "payment methods"),
        "es": ("pagar", "pago", "pagos", "tarjeta", "métodos de pago"),
        "de": ("zahlen", "bezahlen", "zahlung", "zahlungsarten", "karte"),
        "fr": ("payer", "paiement", "carte", "moyens de paiement"),
        "ar": ("دفع", "الدفع", "أدفع", "ادفع", "بطاقة"),
        "id": ("bayar", "pembayaran", "membayar", "kartu"),
        "pt": ("pagar", "pagamento", "cartão", "pix", "boleto"),
    },
    "price": {
        "en": ("price", "cost", "costs", "how much", "cheap", "cheaper", "cheapest", "expensive"),
        "es": ("precio", "cuesta", "cuánto", "cuanto", "barato", "barata", "caro", "cara",
               "más barato"),
        "de": ("preis", "kostet", "kosten", "teuer", "billig", "billiger", "günstiger",
               "wie viel"),
        "fr": ("prix", "coûte", "combien", "cher", "moins cher"),
        "ar": ("سعر", "السعر", "بكم", "كم سعر", "ثمن", "أرخص", "ارخص", "غالي"),
        "id": ("harga", "harganya", "berapa", "murah", "lebih murah", "mahal"),
        "pt": ("preço", "custa", "quanto", "barato", "caro", "mais barato"),
    },
    "stock": {
        "en": ("stock", "in stock", "available", "left", "sold out", "availability"),
        "es": ("stock", "disponible", "disponibles", "quedan", "agotado", "existencias"),
        "de": ("lager", "lieferbar", "verfügbar", "vorrätig", "ausverkauft", "auf lager"),
        "fr": ("stock", "disponible", "en stock", "reste", "épuisé"),
        "ar": ("متوفر", "متوفرة", "متاح", "المخزون", "نفد"),
        "id": ("stok", "stoknya", "tersedia", "habis", "ready"),
        "pt": ("estoque", "disponível", "esgotado"),
    },
    "origin": {
        "en": ("made in", "where is it made", "origin", "country of origin", "where is it from"),
        "es": ("origen", "fabricado en", "hecho en", "de dónde", "dónde se fabrica"),
        "de": ("herkunft", "hergestellt in", "wo wird", "woher", "herkunftsland"),
        "fr": ("origine", "fabriqué en", "d'où vient", "où est-il fabriqué"),
        "ar": ("صنع في", "بلد المنشأ", "المنشأ", "من أين", "صناعة"),
        "id": ("asal", "negara asal", "buatan", "dibuat di", "dari mana"),
        "pt": ("origem", "fabricado em", "feito em", "de onde"),
    },
    "specs": {
        "en": ("capacity", "how many ml", "power", "watt", "watts", "mah", "battery",
               "certified", "certification", "volume"),
        "es": ("capacidad", "potencia", "batería", "certificado", "certificación", "volumen"),
        "de": ("kapazität", "leistung", "akku", "zertifiziert", "zertifizierung", "volumen",
               "fassungsvermögen"),
        "fr": ("capacité", "puissance", "batterie", "certifié", "certification", "contenance"),
        "ar": ("سعة", "السعة", "قدرة", "بطارية", "شهادة", "معتمد"),
        "id": ("kapasitas", "daya", "baterai", "sertifikasi", "bersertifikat", "volume"),
        "pt": ("capacidade", "potência", "bateria", "certificado", "certificação"),
    },
    "sizing": {
        "en": ("fit", "fits", "true to size", "size up", "size down"),
        "es": ("queda", "horma", "talla normal"),
        "de": ("fällt", "passform", "normal aus"),
        "fr": ("taille normalement", "coupe", "taille-t-il", "taille-t-elle"),
        "ar": ("يناسب", "قصته"),
        "id": ("muat", "potongan"),
        "pt": ("veste", "caimento"),
    },
    "overview": {
        "en": ("tell me about", "describe", "description", "details"),
        "es": ("cuéntame", "describe", "descripción", "detalles"),
        "de": ("erzähl", "beschreibung", "details"),
        "fr": ("parle-moi", "décris", "description", "détails"),
        "ar": ("أخبرني", "وصف", "الوصف", "تفاصيل"),
        "id": ("ceritakan", "deskripsi", "detail", "jelaskan"),
        "pt": ("fale sobre", "descrição", "detalhes"),
    },
}  # fmt: skip

# Comparisons ("which is cheaper", "the difference between").
COMPARE_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "en": ("cheaper", "cheapest", "which one", "which is", "compare", "difference", "or the",
           "versus", "vs"),
    "es": ("más barato", "más barata", "cuál", "comparar", "diferencia", "o el", "o la"),
    "de": ("billiger", "günstiger", "welche", "welcher", "welches", "vergleich", "unterschied",
           "oder die", "oder der", "oder das"),
    "fr": ("moins cher", "moins chère", "lequel", "laquelle", "comparer", "différence", "ou le",
           "ou la"),
    "ar": ("أرخص", "ارخص", "أيهما", "ايهما", "الفرق", "مقارنة"),
    "id": ("lebih murah", "paling murah", "mana yang", "bandingkan", "perbedaan", "atau"),
    "pt": ("mais barato", "mais barata", "qual", "comparar", "diferença", "ou o", "ou a"),
}  # fmt: skip

# "the one you just showed", "this one": the product on screen.
DEICTIC_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "en": ("this one", "the one you", "just showed", "this product", "that one", "this"),
    "es": ("este", "esta", "ese", "esa", "el que", "la que", "acabas de mostrar"),
    "de": ("dieser", "diese", "dieses", "den du", "die du", "das du", "gerade gezeigt"),
    "fr": ("celui-ci", "celle-ci", "celui que", "celle que", "ce produit", "cet article",
           "venez de montrer"),
    "ar": ("هذا", "هذه", "الذي عرضته", "التي عرضتها", "عرضته", "عرضتها"),
    "id": ("ini", "yang tadi", "yang barusan", "produk ini", "ditunjukkan", "barusan"),
    "pt": ("este", "esta", "esse", "essa", "o que você", "a que você"),
}  # fmt: skip

QUESTION_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "en": ("what", "which", "how", "is", "are", "does", "do", "can", "will", "where", "when",
           "why", "who", "any"),
    "es": ("qué", "que", "cuál", "cuáles", "cómo", "cuánto", "cuánta", "cuántos", "dónde",
           "cuándo", "hay", "tiene", "tienen", "es", "se", "puedo", "hacen"),
    "de": ("was", "welche", "welcher", "welches", "wie", "ist", "sind", "gibt", "kann",
           "wo", "wann", "woher", "hat", "haben", "kostet"),
    "fr": ("quel", "quelle", "quels", "quelles", "comment", "combien", "est-ce", "où",
           "quand", "pourquoi", "peut", "peut-on", "avez-vous", "livrez-vous"),
    "ar": ("ما", "ماذا", "هل", "كيف", "كم", "أين", "متى", "لماذا", "أي", "بكم"),
    "id": ("apa", "apakah", "bagaimana", "berapa", "mana", "kapan", "di", "bisa", "ada"),
    "pt": ("qual", "quais", "como", "quanto", "onde", "quando", "tem", "é", "vocês", "posso"),
}  # fmt: skip

STOP_WORDS: Final[dict[str, frozenset[str]]] = {
    "en": frozenset(
        [
            "a",
            "an",
            "the",
            "is",
            "are",
            "was",
            "be",
            "it",
            "its",
            "it's",
            "this",
            "that",
            "these",
            "those",
            "do",
            "does",
            "did",
            "can",
            "could",
            "will",
            "would",
            "of",
            "in",
            "on",
            "at",
            "to",
            "for",
            "from",
            "with",
            "and",
            "or",
            "but",
            "by",
            "about",
            "me",
            "my",
            "i",
            "you",
            "your",
            "we",
            "our",
            "us",
            "what",
            "which",
            "how",
            "when",
            "where",
            "who",
            "why",
            "any",
            "there",
            "here",
            "have",
            "has",
            "please",
            "hi",
            "hello",
            "hey",
            "one",
            "ones",
            "come",
            "comes",
            "some",
            "much",
            "many",
            "get",
            "also",
            "just",
            "showed",
            "show",
            "tell",
            "know",
            "want",
            "like",
            "need",
            "if",
            "so",
            "than",
            "then",
            "yes",
            "no",
            "not",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "la",
            "los",
            "las",
            "un",
            "una",
            "unos",
            "unas",
            "es",
            "son",
            "está",
            "están",
            "de",
            "del",
            "al",
            "a",
            "en",
            "con",
            "por",
            "para",
            "y",
            "o",
            "que",
            "qué",
            "se",
            "lo",
            "le",
            "les",
            "me",
            "mi",
            "mis",
            "tu",
            "tus",
            "su",
            "sus",
            "hay",
            "tiene",
            "tienen",
            "este",
            "esta",
            "ese",
            "esa",
            "esto",
            "eso",
            "hola",
            "por",
            "favor",
            "cómo",
            "cuál",
            "cuáles",
            "dónde",
            "cuándo",
            "muy",
            "más",
            "ya",
            "viene",
            "vienen",
            "puedo",
            "pueden",
            "hacen",
            "ustedes",
            "usted",
            "quiero",
            "saber",
            "si",
            "no",
            "también",
        ]
    ),
    "de": frozenset(
        [
            "der",
            "die",
            "das",
            "den",
            "dem",
            "des",
            "ein",
            "eine",
            "einen",
            "einem",
            "einer",
            "ist",
            "sind",
            "war",
            "es",
            "sie",
            "er",
            "wir",
            "ihr",
            "ich",
            "du",
            "und",
            "oder",
            "aber",
            "mit",
            "von",
            "zu",
            "zum",
            "zur",
            "in",
            "im",
            "an",
            "am",
            "auf",
            "für",
            "aus",
            "bei",
            "nach",
            "wie",
            "was",
            "welche",
            "welcher",
            "welches",
            "gibt",
            "kann",
            "können",
            "hat",
            "haben",
            "habt",
            "noch",
            "schon",
            "auch",
            "bitte",
            "hallo",
            "nicht",
            "kein",
            "keine",
            "ja",
            "nein",
            "so",
            "sehr",
            "mir",
            "mich",
            "dich",
            "euch",
            "uns",
            "dieser",
            "diese",
            "dieses",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "la",
            "les",
            "un",
            "une",
            "des",
            "de",
            "du",
            "d",
            "l",
            "au",
            "aux",
            "à",
            "en",
            "et",
            "ou",
            "est",
            "sont",
            "ce",
            "cet",
            "cette",
            "ces",
            "il",
            "elle",
            "ils",
            "elles",
            "on",
            "nous",
            "vous",
            "je",
            "tu",
            "me",
            "mon",
            "ma",
            "mes",
            "ton",
            "ta",
            "votre",
            "vos",
            "son",
            "sa",
            "ses",
            "que",
            "qui",
            "quoi",
            "quel",
            "quelle",
            "quels",
            "quelles",
            "comment",
            "combien",
            "où",
            "est-ce",
            "est-il",
            "pour",
            "par",
            "avec",
            "sur",
            "dans",
            "pas",
            "ne",
            "bonjour",
            "merci",
            "svp",
            "s'il",
            "plaît",
            "très",
            "aussi",
            "oui",
            "non",
            "y",
            "a-t-il",
            "peut",
            "peut-on",
        ]
    ),
    "ar": frozenset(
        [
            "ال",
            "في",
            "من",
            "إلى",
            "الى",
            "على",
            "عن",
            "مع",
            "هل",
            "ما",
            "ماذا",
            "كيف",
            "كم",
            "أين",
            "متى",
            "لماذا",
            "أي",
            "هذا",
            "هذه",
            "ذلك",
            "تلك",
            "هو",
            "هي",
            "أنا",
            "أنت",
            "نحن",
            "و",
            "او",
            "أو",
            "لا",
            "نعم",
            "يا",
            "مرحبا",
            "من",
            "فضلك",
            "لو",
            "يوجد",
            "هناك",
        ]
    ),
    "id": frozenset(
        [
            "yang",
            "dan",
            "atau",
            "di",
            "ke",
            "dari",
            "ini",
            "itu",
            "apa",
            "apakah",
            "bagaimana",
            "berapa",
            "mana",
            "kapan",
            "ada",
            "bisa",
            "dengan",
            "untuk",
            "pada",
            "adalah",
            "saya",
            "aku",
            "kamu",
            "anda",
            "kami",
            "kita",
            "tidak",
            "ya",
            "halo",
            "tolong",
            "juga",
            "sudah",
            "masih",
            "nya",
            "sih",
            "dong",
            "kah",
        ]
    ),
    "pt": frozenset(
        [
            "o",
            "a",
            "os",
            "as",
            "um",
            "uma",
            "de",
            "do",
            "da",
            "dos",
            "das",
            "em",
            "no",
            "na",
            "nos",
            "nas",
            "com",
            "por",
            "para",
            "e",
            "ou",
            "que",
            "se",
            "é",
            "são",
            "está",
            "estão",
            "tem",
            "têm",
            "este",
            "esta",
            "esse",
            "essa",
            "isso",
            "isto",
            "meu",
            "minha",
            "seu",
            "sua",
            "vocês",
            "você",
            "olá",
            "por",
            "favor",
            "como",
            "qual",
            "quais",
            "onde",
            "quando",
            "muito",
            "mais",
            "já",
            "vem",
            "posso",
            "pode",
            "não",
            "sim",
        ]
    ),
}


# Value names. Keys are the catalog's canonical codes (attribute values are stored in
# English, e.g. "silk", "stainless steel", option "blue").
MATERIAL_NAMES: Final[dict[str, dict[str, str]]] = {
    "silk": {"es": "seda", "de": "Seide", "fr": "soie", "ar": "حرير", "id": "sutra", "pt": "seda"},
    "cotton": {"es": "algodón", "de": "Baumwolle", "fr": "coton", "ar": "قطن", "id": "katun",
               "pt": "algodão"},
    "organic cotton": {"es": "algodón orgánico", "de": "Bio-Baumwolle", "fr": "coton bio",
                       "ar": "قطن عضوي", "id": "katun organik", "pt": "algodão orgânico"},
    "leather": {"es": "cuero", "de": "Leder", "fr": "cuir", "ar": "جلد", "id": "kulit",
                "pt": "couro"},
    "ceramic": {"es": "cerámica", "de": "Keramik", "fr": "céramique", "ar": "سيراميك",
                "id": "keramik", "pt": "cerâmica"},
    "stoneware": {"es": "gres", "de": "Steingut", "fr": "grès", "ar": "فخار حجري",
                  "id": "stoneware", "pt": "grés"},
    "linen": {"es": "lino", "de": "Leinen", "fr": "lin", "ar": "كتان", "id": "linen",
              "pt": "linho"},
    "bamboo": {"es": "bambú", "de": "Bambus", "fr": "bambou", "ar": "خيزران", "id": "bambu",
               "pt": "bambu"},
    "wool": {"es": "lana", "de": "Wolle", "fr": "laine", "ar": "صوف", "id": "wol", "pt": "lã"},
    "merino wool": {"es": "lana merino", "de": "Merinowolle", "fr": "laine mérinos",
                    "ar": "صوف ميرينو", "id": "wol merino", "pt": "lã merino"},
    "stainless steel": {"es": "acero inoxidable", "de": "Edelstahl", "fr": "acier inoxydable",
                        "ar": "فولاذ مقاوم للصدأ", "id": "baja tahan karat",
                        "pt": "aço inoxidável"},
    "polyester": {"es": "poliéster", "de": "Polyester", "fr": "polyester", "ar": "بوليستر",
                  "id": "poliester", "pt": "poliéster"},
    "recycled polyester": {"es": "poliéster reciclado", "de": "recyceltes Polyester",
                           "fr": "polyester recyclé", "ar": "بوليستر معاد تدويره",
                           "id": "poliester daur ulang", "pt": "poliéster reciclado"},
    "paper": {"es": "papel", "de": "Papier", "fr": "papier", "ar": "ورق", "id": "kertas",
              "pt": "papel"},
    "recycled paper": {"es": "papel reciclado", "de": "Recyclingpapier", "fr": "papier recyclé",
                       "ar": "ورق معاد تدويره", "id": "kertas daur ulang",
                       "pt": "papel reciclado"},
    "polycarbonate": {"es": "policarbonato", "de": "Polycarbonat", "fr": "polycarbonate",
                      "ar": "بولي كربونات", "id": "polikarbonat", "pt": "policarbonato"},
    "aluminium": {"es": "aluminio", "de": "Aluminium", "fr": "aluminium", "ar": "ألومنيوم",
                  "id": "aluminium", "pt": "alumínio"},
    "plastic": {"es": "plástico", "de": "Kunststoff", "fr": "plastique", "ar": "بلاستيك",
                "id": "plastik", "pt": "plástico"},
    "glass": {"es": "vidrio", "de": "Glas", "fr": "verre", "ar": "زجاج", "id": "kaca",
              "pt": "vidro"},
    "silicone": {"es": "silicona", "de": "Silikon", "fr": "silicone", "ar": "سيليكون",
                 "id": "silikon", "pt": "silicone"},
}  # fmt: skip

COLOUR_NAMES: Final[dict[str, dict[str, str]]] = {
    "blue": {"es": "azul", "de": "Blau", "fr": "bleu", "ar": "أزرق", "id": "biru", "pt": "azul"},
    "navy": {"es": "azul marino", "de": "Marineblau", "fr": "bleu marine", "ar": "كحلي",
             "id": "biru dongker", "pt": "azul-marinho"},
    "red": {"es": "rojo", "de": "Rot", "fr": "rouge", "ar": "أحمر", "id": "merah",
            "pt": "vermelho"},
    "green": {"es": "verde", "de": "Grün", "fr": "vert", "ar": "أخضر", "id": "hijau",
              "pt": "verde"},
    "black": {"es": "negro", "de": "Schwarz", "fr": "noir", "ar": "أسود", "id": "hitam",
              "pt": "preto"},
    "white": {"es": "blanco", "de": "Weiß", "fr": "blanc", "ar": "أبيض", "id": "putih",
              "pt": "branco"},
    "grey": {"es": "gris", "de": "Grau", "fr": "gris", "ar": "رمادي", "id": "abu-abu",
             "pt": "cinza"},
    "brown": {"es": "marrón", "de": "Braun", "fr": "marron", "ar": "بني", "id": "cokelat",
              "pt": "marrom"},
    "tan": {"es": "cuero claro", "de": "Hellbraun", "fr": "fauve", "ar": "بني فاتح",
            "id": "cokelat muda", "pt": "caramelo"},
    "beige": {"es": "beige", "de": "Beige", "fr": "beige", "ar": "بيج", "id": "krem",
              "pt": "bege"},
    "natural": {"es": "natural", "de": "Natur", "fr": "naturel", "ar": "طبيعي", "id": "natural",
                "pt": "natural"},
    "yellow": {"es": "amarillo", "de": "Gelb", "fr": "jaune", "ar": "أصفر", "id": "kuning",
               "pt": "amarelo"},
    "pink": {"es": "rosa", "de": "Rosa", "fr": "rose", "ar": "وردي", "id": "merah muda",
             "pt": "rosa"},
    "terracotta": {"es": "terracota", "de": "Terrakotta", "fr": "terre cuite", "ar": "تيراكوتا",
                   "id": "terakota", "pt": "terracota"},
    "silver": {"es": "plateado", "de": "Silber", "fr": "argenté", "ar": "فضي", "id": "perak",
               "pt": "prateado"},
    "ivory": {"es": "marfil", "de": "Elfenbein", "fr": "ivoire", "ar": "عاجي", "id": "gading",
              "pt": "marfim"},
}  # fmt: skip

CARE_NAMES: Final[dict[str, dict[str, str]]] = {
    "hand_wash_cold": {"en": "hand wash cold", "es": "lavar a mano en frío",
                       "de": "kalte Handwäsche", "fr": "lavage à la main à froid",
                       "ar": "غسل يدوي بماء بارد", "id": "cuci tangan dengan air dingin",
                       "pt": "lavar à mão em água fria"},
    "machine_wash_30": {"en": "machine wash at 30 °C", "es": "lavadora a 30 °C",
                        "de": "Maschinenwäsche bei 30 °C", "fr": "lavage en machine à 30 °C",
                        "ar": "غسل في الغسالة على 30 °C", "id": "cuci mesin pada 30 °C",
                        "pt": "lavar na máquina a 30 °C"},
    "machine_wash_40": {"en": "machine wash at 40 °C", "es": "lavadora a 40 °C",
                        "de": "Maschinenwäsche bei 40 °C", "fr": "lavage en machine à 40 °C",
                        "ar": "غسل في الغسالة على 40 °C", "id": "cuci mesin pada 40 °C",
                        "pt": "lavar na máquina a 40 °C"},
    "dry_flat": {"en": "dry flat", "es": "secar en horizontal", "de": "liegend trocknen",
                 "fr": "sécher à plat", "ar": "يجفف مفرودا", "id": "keringkan mendatar",
                 "pt": "secar na horizontal"},
    "no_tumble_dry": {"en": "do not tumble dry", "es": "no usar secadora",
                      "de": "nicht im Trockner trocknen", "fr": "pas de sèche-linge",
                      "ar": "لا يجفف في المجفف", "id": "jangan dikeringkan dengan mesin",
                      "pt": "não usar secadora"},
    "iron_low": {"en": "iron on low heat", "es": "planchar a baja temperatura",
                 "de": "bei niedriger Temperatur bügeln", "fr": "repasser à basse température",
                 "ar": "يكوى على حرارة منخفضة", "id": "setrika dengan suhu rendah",
                 "pt": "passar a ferro em temperatura baixa"},
    "iron_medium": {"en": "iron on medium heat", "es": "planchar a temperatura media",
                    "de": "bei mittlerer Temperatur bügeln",
                    "fr": "repasser à température moyenne", "ar": "يكوى على حرارة متوسطة",
                    "id": "setrika dengan suhu sedang",
                    "pt": "passar a ferro em temperatura média"},
    "wipe_clean": {"en": "wipe clean with a damp cloth", "es": "limpiar con un paño húmedo",
                   "de": "mit einem feuchten Tuch abwischen",
                   "fr": "nettoyer avec un chiffon humide", "ar": "يمسح بقطعة قماش مبللة",
                   "id": "lap dengan kain lembap", "pt": "limpar com um pano úmido"},
    "leather_conditioner": {"en": "treat with leather conditioner now and then",
                            "es": "tratar de vez en cuando con crema para cuero",
                            "de": "ab und zu mit Lederpflege behandeln",
                            "fr": "nourrir de temps en temps avec un baume pour cuir",
                            "ar": "يعالج بمرطب الجلد من حين لآخر",
                            "id": "rawat sesekali dengan kondisioner kulit",
                            "pt": "hidratar de vez em quando com creme para couro"},
    "dishwasher_safe": {"en": "dishwasher safe", "es": "apto para lavavajillas",
                        "de": "spülmaschinenfest", "fr": "passe au lave-vaisselle",
                        "ar": "آمن في غسالة الصحون", "id": "aman untuk mesin pencuci piring",
                        "pt": "pode ir à máquina de lavar louça"},
    "hand_wash_only": {"en": "hand wash only", "es": "lavar solo a mano",
                       "de": "nur Handwäsche", "fr": "lavage à la main uniquement",
                       "ar": "غسل يدوي فقط", "id": "hanya cuci tangan", "pt": "lavar só à mão"},
    "microwave_safe": {"en": "microwave safe", "es": "apto para microondas",
                       "de": "mikrowellengeeignet", "fr": "passe au micro-ondes",
                       "ar": "آمن في الميكروويف", "id": "aman untuk microwave",
                       "pt": "pode ir ao micro-ondas"},
    "not_dishwasher_safe": {"en": "not dishwasher safe", "es": "no apto para lavavajillas",
                            "de": "nicht spülmaschinenfest", "fr": "ne passe pas au lave-vaisselle",
                            "ar": "غير آمن في غسالة الصحون",
                            "id": "tidak aman untuk mesin pencuci piring",
                            "pt": "não pode ir à máquina de lavar louça"},
    "keep_dry": {"en": "keep dry", "es": "mantener seco", "de": "trocken halten",
                 "fr": "garder au sec", "ar": "يحفظ جافا", "id": "jaga tetap kering",
                 "pt": "manter seco"},
    "spot_clean": {"en": "spot clean", "es": "limpiar solo las manchas", "de": "punktuell reinigen",
                   "fr": "nettoyage localisé", "ar": "تنظيف موضعي",
                   "id": "bersihkan bagian yang kotor",
                   "pt": "limpeza localizada"},
}  # fmt: skip


def value_name(table: dict[str, dict[str, str]], code: str, lang: str) -> str:
    """A catalog value in ``lang``: the table's name, else the value as the store wrote it."""
    key = code.strip().lower().replace("_", " ") if table is not CARE_NAMES else code
    names = table.get(key) or table.get(code)
    if names is None:
        return code.replace("_", " ") if table is CARE_NAMES else code
    return names.get(lang) or names.get("en") or code.replace("_", " ")


# --- tokens --------------------------------------------------------------------------------

_TOKEN = re.compile(r"\w+", re.UNICODE)
_AR_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u0640]")


def fold(text: str) -> str:
    """Lower case, no Latin accents, no Arabic diacritics or tatweel, unified alef/ya."""
    text = _AR_DIACRITICS.sub("", text.lower())
    text = text.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا").replace("ى", "ي")
    text = text.replace("ة", "ه")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch) or ord(ch) >= 0x0600)


def _stem(token: str) -> str:
    """A light, language-blind stem: Arabic article, Indonesian -nya, plural -s/-es."""
    if token.startswith("ال") and len(token) > 4:
        token = token[2:]
    elif token.startswith(("بال", "وال", "لل")) and len(token) > 5:
        token = token[3:] if not token.startswith("لل") else token[2:]
    elif token[:1] in ("ب", "و", "ل", "ف", "ك") and len(token) >= 5:
        token = token[1:]  # a proclitic: "بمقاس" is "مقاس"
    if token.endswith("nya") and len(token) > 5:
        token = token[:-3]
    if token.endswith("es") and len(token) > 5 and token[-3] in "sxz":
        token = token[:-2]
    elif token.endswith("s") and len(token) > 3 and not token.endswith("ss"):
        token = token[:-1]
    return token


def tokens(text: str) -> list[str]:
    """Folded, lightly stemmed word tokens (numbers kept as they are)."""
    out = []
    for token in _TOKEN.findall(fold(text)):
        out.append(token if token.isdigit() else _stem(token))
    return out


# more words that carry no content in a shopper's question
EXTRA_STOP_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "id": (
        "saja",
        "lama",
        "cara",
        "mau",
        "kalau",
        "kalo",
        "gimana",
        "boleh",
        "tolong",
        "ingin",
        "tahu",
    ),
    "ar": ("مما", "ممن", "عن", "أم", "ام", "ممكن", "يمكن", "أستطيع", "اريد", "أريد"),
    "de": (
        "soll",
        "sollte",
        "muss",
        "hast",
        "habe",
        "hat",
        "man",
        "wird",
        "kannst",
        "könnt",
        "würde",
        "wissen",
    ),
    "en": ("should", "does", "much", "could", "would", "wondering", "know"),
    "es": ("puede", "podría", "poder", "quisiera", "saber", "pueden"),
    "fr": ("peux", "pourrais", "savoir", "voudrais"),
    "pt": ("pode", "poderia", "saber", "gostaria"),
}


@lru_cache(maxsize=1)
def all_stop_words() -> frozenset[str]:
    words: set[str] = set()
    for extra in EXTRA_STOP_WORDS.values():
        for word in extra:
            words.update(tokens(word))
    for lang_words in STOP_WORDS.values():
        for word in lang_words:
            words.update(tokens(word))
    for question_words in QUESTION_WORDS.values():
        for word in question_words:
            words.update(tokens(word))
    return frozenset(words)


@lru_cache(maxsize=1)
def facet_phrases() -> dict[str, list[tuple[str, ...]]]:
    """Facet -> its phrases as token tuples, every language together."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for facet, by_lang in FACET_WORDS.items():
        phrases = {tuple(tokens(p)) for words in by_lang.values() for p in words}
        out[facet] = sorted(p for p in phrases if p)
    return out


MAX_PHRASE = 6


def grams(toks: list[str]) -> frozenset[tuple[str, ...]]:
    """Every run of up to ``MAX_PHRASE`` tokens: phrase lookups become set lookups."""
    return frozenset(
        tuple(toks[i : i + n]) for n in range(1, MAX_PHRASE + 1) for i in range(len(toks) - n + 1)
    )


def phrase_in(phrase: tuple[str, ...], toks: list[str] | frozenset[tuple[str, ...]]) -> bool:
    if isinstance(toks, frozenset):
        return phrase in toks
    n = len(phrase)
    return any(tuple(toks[i : i + n]) == phrase for i in range(len(toks) - n + 1))


@lru_cache(maxsize=64)
def _phrases(words_by_lang_id: int) -> frozenset[tuple[str, ...]]:
    table = _PHRASE_TABLES[words_by_lang_id]
    return frozenset(tuple(tokens(w)) for words in table.values() for w in words if tokens(w))


_PHRASE_TABLES: dict[int, dict[str, tuple[str, ...]]] = {}


def words_in(
    words_by_lang: dict[str, tuple[str, ...]], toks: list[str] | frozenset[tuple[str, ...]]
) -> bool:
    key = id(words_by_lang)
    _PHRASE_TABLES.setdefault(key, words_by_lang)
    found = toks if isinstance(toks, frozenset) else grams(list(toks))
    return not _phrases(key).isdisjoint(found)


@lru_cache(maxsize=1)
def deictic_compare_tokens() -> frozenset[str]:
    return frozenset(
        t
        for table in (DEICTIC_WORDS, COMPARE_WORDS)
        for words in table.values()
        for w in words
        for t in tokens(w)
    )


def facet_tokens() -> frozenset[str]:
    return frozenset(t for phrases in facet_phrases().values() for p in phrases for t in p)


@lru_cache(maxsize=1)
def value_tokens() -> frozenset[str]:
    """Tokens of every value name (materials, colours, care) in every language."""
    found: set[str] = set()
    for table in (MATERIAL_NAMES, COLOUR_NAMES, CARE_NAMES):
        for code, names in table.items():
            found.update(tokens(code))
            for name in names.values():
                found.update(tokens(name))
    return frozenset(found)


@lru_cache(maxsize=1)
def colour_lookup() -> dict[str, str]:
    """Folded colour name in any language -> canonical colour code."""
    out: dict[str, str] = {}
    for code, names in COLOUR_NAMES.items():
        out[" ".join(tokens(code))] = code
        for name in names.values():
            out[" ".join(tokens(name))] = code
    return out


def colours_in(toks: list[str]) -> list[str]:
    """Colour codes named in a question; the longest names win ("azul marino" is navy, not
    blue), their words are then used up."""
    lookup = colour_lookup()
    rest = list(toks)
    found: list[str] = []
    for name in sorted(lookup, key=lambda n: (-len(n.split()), n)):
        phrase = tuple(name.split())
        n = len(phrase)
        for i in range(len(rest) - n + 1):
            if tuple(rest[i : i + n]) == phrase:
                if lookup[name] not in found:
                    found.append(lookup[name])
                rest[i : i + n] = [""] * n
    return found
