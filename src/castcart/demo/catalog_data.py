"""The demo store's catalog: what a shopper asks about (titles and descriptions in every demo
language, materials, dimensions, weight, care, warranty, origin, colours and sizes) and the
store's FAQ, the return policy among it. Plain data; ``seed.py`` writes it."""

from __future__ import annotations

from typing import Any, Final

DEMO_LANGS: Final[tuple[str, ...]] = ("en", "es", "de", "fr", "ar", "id", "pt")

# handle -> {"price", "attributes", "titles", "descriptions", "variants": [(suffix, options)]}
# The first variant keeps the SKU ``HANDLE`` (it sorts first); the rest are ``HANDLE-SUFFIX``.
PRODUCTS: Final[list[dict[str, Any]]] = [
    {
        "handle": "silk-scarf",
        "price": 5900,
        "attributes": {
            "material": "silk", "origin": "IT", "category": "clothing",
            "dimensions": "180 x 70 cm", "weight": "60 g",
            "care": ["hand_wash_cold", "dry_flat", "iron_low"],
        },
        "variants": [("", {"colour": "red"}), ("BLUE", {"colour": "blue"}),
                     ("GREEN", {"colour": "green"})],
        "titles": {"en": "Silk scarf", "es": "Pañuelo de seda", "de": "Seidenschal",
                   "fr": "Foulard en soie", "ar": "وشاح حرير", "id": "Syal sutra",
                   "pt": "Lenço de seda"},
        "descriptions": {
            "en": "A light square-cut scarf in printed silk, hemmed by hand.",
            "es": "Un pañuelo ligero de seda estampada, con el dobladillo cosido a mano.",
            "de": "Ein leichter Schal aus bedruckter Seide, von Hand gesäumt.",
            "fr": "Un foulard léger en soie imprimée, ourlé à la main.",
            "ar": "وشاح خفيف من الحرير المطبوع، حوافه مخيطة يدويا.",
            "id": "Syal ringan dari sutra bermotif, dijahit tangan di bagian tepinya.",
            "pt": "Um lenço leve de seda estampada, com bainha feita à mão.",
        },
    },
    {
        "handle": "cotton-tote",
        "price": 2400,
        "attributes": {
            "material": "organic cotton", "certifications": ["GOTS"], "category": "clothing",
            "dimensions": "38 x 42 cm", "weight": "180 g",
            "care": ["machine_wash_30", "no_tumble_dry"],
        },
        "variants": [("", {"colour": "natural"}), ("BLACK", {"colour": "black"})],
        "titles": {"en": "Organic cotton tote", "es": "Bolsa de algodón orgánico",
                   "de": "Bio-Baumwolltasche", "fr": "Tote bag en coton bio",
                   "ar": "حقيبة قطن عضوي", "id": "Tas katun organik",
                   "pt": "Sacola de algodão orgânico"},
        "descriptions": {
            "en": "A roomy tote with long handles and an inner pocket.",
            "es": "Una bolsa amplia con asas largas y un bolsillo interior.",
            "de": "Eine geräumige Tasche mit langen Henkeln und einer Innentasche.",
            "fr": "Un grand sac avec de longues anses et une poche intérieure.",
            "ar": "حقيبة واسعة بمقابض طويلة وجيب داخلي.",
            "id": "Tas lapang dengan tali panjang dan kantong di dalam.",
            "pt": "Uma sacola espaçosa com alças longas e um bolso interno.",
        },
    },
    {
        "handle": "power-bank-5000",
        "price": 2999,
        "attributes": {
            "capacity": "5000 mAh", "power": "20 W", "certifications": ["CE"],
            "category": "electronics", "material": "aluminium",
            "dimensions": "10 x 6.5 x 1.5 cm", "weight": "120 g", "warranty_months": 24,
        },
        "variants": [("", {"colour": "black"}), ("SILVER", {"colour": "silver"})],
        "titles": {"en": "Power bank 5000 mAh", "es": "Batería externa 5000 mAh",
                   "de": "Powerbank 5000 mAh", "fr": "Batterie externe 5000 mAh",
                   "ar": "شاحن متنقل 5000 mAh", "id": "Power bank 5000 mAh",
                   "pt": "Carregador portátil 5000 mAh"},
        "descriptions": {
            "en": "A pocket power bank with one USB-C port that charges in and out.",
            "es": "Una batería de bolsillo con un puerto USB-C de carga y descarga.",
            "de": "Eine Powerbank für die Hosentasche mit einem USB-C-Anschluss zum Laden und "
            "Entladen.",
            "fr": "Une batterie de poche avec un port USB-C pour charger et se recharger.",
            "ar": "شاحن جيب بمنفذ USB-C واحد للشحن والتفريغ.",
            "id": "Power bank saku dengan satu port USB-C untuk mengisi dan diisi daya.",
            "pt": "Um carregador de bolso com uma porta USB-C para carregar e ser carregado.",
        },
    },
    {
        "handle": "leather-wallet",
        "price": 4500,
        "attributes": {
            "material": "leather", "origin": "ES", "category": "general",
            "dimensions": "11 x 9 cm", "weight": "80 g", "warranty_months": 12,
            "care": ["wipe_clean", "leather_conditioner"],
        },
        "variants": [("", {"colour": "brown"}), ("BLACK", {"colour": "black"}),
                     ("TAN", {"colour": "tan"})],
        "titles": {"en": "Leather wallet", "es": "Cartera de cuero", "de": "Lederbörse",
                   "fr": "Portefeuille en cuir", "ar": "محفظة جلدية", "id": "Dompet kulit",
                   "pt": "Carteira de couro"},
        "descriptions": {
            "en": "A bifold wallet with six card slots and a coin pocket.",
            "es": "Una cartera plegable con seis ranuras para tarjetas y un monedero.",
            "de": "Eine klappbare Börse mit sechs Kartenfächern und einem Münzfach.",
            "fr": "Un portefeuille pliable avec six fentes pour cartes et un porte-monnaie.",
            "ar": "محفظة قابلة للطي بستة أماكن للبطاقات وجيب للعملات.",
            "id": "Dompet lipat dengan enam slot kartu dan kantong koin.",
            "pt": "Uma carteira dobrável com seis espaços para cartões e um porta-moedas.",
        },
    },
    {
        "handle": "ceramic-mug",
        "price": 1800,
        "attributes": {
            "material": "ceramic", "capacity": "350 ml", "category": "general", "origin": "PT",
            "dimensions": "9 x 8.5 cm", "weight": "320 g",
            "care": ["dishwasher_safe", "microwave_safe"],
        },
        "variants": [("", {"colour": "white"}), ("TERRACOTTA", {"colour": "terracotta"})],
        "titles": {"en": "Ceramic mug 350 ml", "es": "Taza de cerámica", "de": "Keramiktasse",
                   "fr": "Mug en céramique", "ar": "كوب سيراميك", "id": "Mug keramik",
                   "pt": "Caneca de cerâmica"},
        "descriptions": {
            "en": "A glazed mug with a wide handle, thrown and fired in small batches.",
            "es": "Una taza esmaltada con asa ancha, torneada y cocida en pequeñas tandas.",
            "de": "Eine glasierte Tasse mit breitem Henkel, in kleinen Serien gedreht und "
            "gebrannt.",
            "fr": "Un mug émaillé à large anse, tourné et cuit en petites séries.",
            "ar": "كوب مزجج بمقبض عريض، مصنوع ومحروق على دفعات صغيرة.",
            "id": "Mug berglasir dengan pegangan lebar, dibentuk dan dibakar dalam jumlah kecil.",
            "pt": "Uma caneca vidrada com asa larga, torneada e cozida em pequenos lotes.",
        },
    },
    {
        "handle": "linen-shirt",
        "price": 6900,
        "attributes": {
            "material": "linen", "origin": "PT", "category": "clothing", "weight": "220 g",
            "care": ["machine_wash_30", "iron_medium"],
        },
        "variants": [("", {"colour": "white", "size": "M"}),
                     ("S", {"colour": "white", "size": "S"}),
                     ("L", {"colour": "white", "size": "L"}),
                     ("XL", {"colour": "white", "size": "XL"}),
                     ("BLUE-M", {"colour": "blue", "size": "M"}),
                     ("BLUE-L", {"colour": "blue", "size": "L"})],
        "titles": {"en": "Linen shirt", "es": "Camisa de lino", "fr": "Chemise en lin",
                   "de": "Leinenhemd", "ar": "قميص كتان", "id": "Kemeja linen",
                   "pt": "Camisa de linho"},
        "descriptions": {
            "en": "A relaxed shirt with a button-down collar and a chest pocket.",
            "es": "Una camisa holgada con cuello abotonado y un bolsillo en el pecho.",
            "de": "Ein lässiges Hemd mit Button-down-Kragen und Brusttasche.",
            "fr": "Une chemise ample à col boutonné avec une poche poitrine.",
            "ar": "قميص واسع بياقة بأزرار وجيب على الصدر.",
            "id": "Kemeja santai dengan kerah berkancing dan saku di dada.",
            "pt": "Uma camisa solta com gola abotoada e um bolso no peito.",
        },
    },
    {
        "handle": "bamboo-sunglasses",
        "price": 3900,
        "attributes": {
            "material": "bamboo, polycarbonate", "category": "general", "weight": "25 g",
            "certifications": ["UV400"], "warranty_months": 12, "care": ["wipe_clean"],
        },
        "variants": [("", {"colour": "natural"})],
        "titles": {"en": "Bamboo sunglasses", "es": "Gafas de sol de bambú",
                   "de": "Bambus-Sonnenbrille", "fr": "Lunettes de soleil en bambou",
                   "ar": "نظارة شمسية من الخيزران", "id": "Kacamata hitam bambu",
                   "ms": "Cermin mata bambu", "pt": "Óculos de sol de bambu"},
        "descriptions": {
            "en": "Sunglasses with bamboo temples and polarised polycarbonate lenses.",
            "es": "Gafas de sol con patillas de bambú y lentes polarizadas de policarbonato.",
            "de": "Sonnenbrille mit Bügeln aus Bambus und polarisierten Gläsern aus Polycarbonat.",
            "fr": "Lunettes de soleil à branches en bambou et verres polarisés en polycarbonate.",
            "ar": "نظارة شمسية بأذرع من الخيزران وعدسات مستقطبة من البولي كربونات.",
            "id": "Kacamata hitam dengan gagang bambu dan lensa polikarbonat terpolarisasi.",
            "pt": "Óculos de sol com hastes de bambu e lentes polarizadas de policarbonato.",
        },
    },
    {
        "handle": "wool-beanie",
        "price": 2200,
        "attributes": {
            "material": "merino wool", "origin": "PT", "category": "clothing", "weight": "70 g",
            "care": ["hand_wash_cold", "dry_flat"],
        },
        "variants": [("", {"colour": "grey"}), ("NAVY", {"colour": "navy"}),
                     ("RED", {"colour": "red"})],
        "titles": {"en": "Merino wool beanie", "es": "Gorro de lana merino", "de": "Merino-Mütze",
                   "fr": "Bonnet en laine mérinos", "ar": "قبعة صوف ميرينو",
                   "id": "Kupluk wol merino", "pt": "Gorro de lã merino"},
        "descriptions": {
            "en": "A rib-knit beanie with a turn-up cuff.",
            "es": "Un gorro de punto de canalé con vuelta.",
            "de": "Eine Rippstrickmütze mit Umschlag.",
            "fr": "Un bonnet en maille côtelée à revers.",
            "ar": "قبعة محبوكة مضلعة بحافة مطوية.",
            "id": "Kupluk rajut rib dengan lipatan di bagian bawah.",
            "pt": "Um gorro de malha canelada com barra dobrada.",
        },
    },
    {
        "handle": "travel-adapter",
        "price": 1900,
        "attributes": {
            "power": "65 W", "certifications": ["CE", "FCC"], "category": "electronics",
            "material": "polycarbonate", "dimensions": "7 x 5 x 4.5 cm", "weight": "140 g",
            "warranty_months": 24,
        },
        "variants": [("", {"colour": "white"})],
        "titles": {"en": "Universal travel adapter", "es": "Adaptador de viaje universal",
                   "de": "Universal-Reiseadapter", "fr": "Adaptateur de voyage universel",
                   "ar": "محول سفر عالمي", "id": "Adaptor perjalanan universal",
                   "th": "อะแดปเตอร์ท่องเที่ยว", "pt": "Adaptador de viagem universal"},
        "descriptions": {
            "en": "One plug for sockets in over a hundred countries, with two USB-C ports.",
            "es": "Un enchufe para tomas de más de cien países, con dos puertos USB-C.",
            "de": "Ein Stecker für Steckdosen in über hundert Ländern, mit zwei USB-C-Anschlüssen.",
            "fr": "Une prise pour les prises de plus de cent pays, avec deux ports USB-C.",
            "ar": "قابس واحد لمقابس أكثر من مئة دولة، مع منفذي USB-C.",
            "id": "Satu colokan untuk stopkontak di lebih dari seratus negara, dengan dua port "
            "USB-C.",
            "pt": "Uma tomada para mais de cem países, com duas portas USB-C.",
        },
    },
    {
        "handle": "steel-bottle",
        "price": 2700,
        "attributes": {
            "material": "stainless steel", "capacity": "750 ml", "category": "general",
            "dimensions": "7.5 x 26 cm", "weight": "380 g", "warranty_months": 24,
            "care": ["hand_wash_only", "not_dishwasher_safe"],
        },
        "variants": [("", {"colour": "black"}), ("GREEN", {"colour": "green"}),
                     ("SILVER", {"colour": "silver"})],
        "titles": {"en": "Steel bottle 750 ml", "es": "Botella de acero 750 ml",
                   "de": "Stahlflasche 750 ml", "fr": "Gourde en acier 750 ml",
                   "ar": "زجاجة فولاذ 750 مل", "id": "Botol baja 750 ml",
                   "vi": "Bình thép 750 ml", "pt": "Garrafa de aço 750 ml"},
        "descriptions": {
            "en": "A double-walled bottle with a screw cap and a carry loop.",
            "es": "Una botella de doble pared con tapón de rosca y asa.",
            "de": "Eine doppelwandige Flasche mit Schraubverschluss und Trageschlaufe.",
            "fr": "Une gourde à double paroi avec bouchon à vis et anneau de transport.",
            "ar": "زجاجة مزدوجة الجدار بغطاء لولبي وحلقة للحمل.",
            "id": "Botol berdinding ganda dengan tutup ulir dan tali jinjing.",
            "pt": "Uma garrafa de parede dupla com tampa de rosca e alça.",
        },
    },
    {
        "handle": "kids-raincoat",
        "price": 3500,
        "attributes": {
            "material": "polyester", "category": "children_clothing", "weight": "300 g",
            "care": ["machine_wash_30", "no_tumble_dry"],
        },
        "variants": [("", {"colour": "yellow", "size": "104"}),
                     ("116", {"colour": "yellow", "size": "116"}),
                     ("128", {"colour": "yellow", "size": "128"}),
                     ("BLUE-116", {"colour": "blue", "size": "116"})],
        "titles": {"en": "Kids' raincoat", "es": "Impermeable infantil",
                   "de": "Kinder-Regenjacke", "fr": "Imperméable enfant",
                   "ar": "معطف مطر للأطفال", "id": "Jas hujan anak",
                   "pt": "Capa de chuva infantil"},
        "descriptions": {
            "en": "A hooded raincoat with snap buttons and reflective strips.",
            "es": "Un impermeable con capucha, botones de presión y tiras reflectantes.",
            "de": "Eine Regenjacke mit Kapuze, Druckknöpfen und Reflexstreifen.",
            "fr": "Un imperméable à capuche avec boutons-pression et bandes réfléchissantes.",
            "ar": "معطف مطر بقلنسوة وأزرار كبس وشرائط عاكسة.",
            "id": "Jas hujan bertudung dengan kancing jepret dan strip reflektif.",
            "pt": "Uma capa de chuva com capuz, botões de pressão e faixas refletoras.",
        },
    },
    {
        "handle": "notebook-a5",
        "price": 1200,
        "attributes": {
            "material": "paper", "category": "books", "dimensions": "21 x 14.8 cm",
            "weight": "250 g",
        },
        "variants": [("", {"colour": "black"}), ("TERRACOTTA", {"colour": "terracotta"})],
        "titles": {"en": "A5 dotted notebook", "es": "Cuaderno A5 punteado",
                   "de": "A5-Notizbuch gepunktet", "fr": "Carnet A5 à points",
                   "ar": "دفتر A5 منقط", "id": "Buku catatan A5 titik",
                   "zh": "A5 点阵笔记本", "pt": "Caderno A5 pontilhado"},
        "descriptions": {
            "en": "A lay-flat notebook with a dotted grid and a ribbon marker.",
            "es": "Un cuaderno que se abre en plano, con cuadrícula de puntos y cinta "
            "marcapáginas.",
            "de": "Ein flach aufliegendes Notizbuch mit Punktraster und Lesebändchen.",
            "fr": "Un carnet qui s'ouvre à plat, avec une grille de points et un signet.",
            "ar": "دفتر ينفتح بشكل مسطح بشبكة نقاط وشريط للعلامة.",
            "id": "Buku catatan yang bisa dibuka rata, dengan kisi titik dan pita pembatas.",
            "pt": "Um caderno que abre totalmente, com grade pontilhada e fita marcadora.",
        },
    },
]  # fmt: skip

FAQ: Final[list[dict[str, Any]]] = [
    {
        "topic": "returns",
        "texts": {
            "en": ("What is your return policy?",
                   "You can return unused items within 30 days of delivery for a full refund."),
            "es": ("¿Cuál es la política de devoluciones?",
                   "Puedes devolver los artículos sin usar en los 30 días siguientes a la "
                   "entrega y te reembolsamos el importe completo."),
            "de": ("Wie ist die Rückgaberegelung?",
                   "Unbenutzte Artikel kannst du innerhalb von 30 Tagen nach der Lieferung "
                   "zurückgeben und erhältst den vollen Betrag zurück."),
            "fr": ("Quelle est la politique de retour ?",
                   "Vous pouvez retourner les articles non utilisés dans les 30 jours suivant "
                   "la livraison pour un remboursement intégral."),
            "ar": ("ما هي سياسة الإرجاع؟",
                   "يمكنك إرجاع المنتجات غير المستخدمة خلال 30 يوما من التسليم واسترداد المبلغ "
                   "كاملا."),
            "id": ("Bagaimana kebijakan pengembaliannya?",
                   "Barang yang belum dipakai bisa dikembalikan dalam 30 hari setelah diterima "
                   "dengan pengembalian dana penuh."),
            "pt": ("Qual é a política de devolução?",
                   "Você pode devolver itens não usados em até 30 dias após a entrega e "
                   "receber o reembolso total."),
        },
    },
    {
        "topic": "shipping",
        "texts": {
            "en": ("When do orders ship?",
                   "Orders placed before 14:00 Berlin time ship the same business day."),
            "es": ("¿Cuándo se envían los pedidos?",
                   "Los pedidos hechos antes de las 14:00, hora de Berlín, salen el mismo día "
                   "hábil."),
            "de": ("Wann werden Bestellungen verschickt?",
                   "Bestellungen vor 14:00 Uhr Berliner Zeit verlassen das Lager am selben "
                   "Werktag."),
            "fr": ("Quand les commandes sont-elles expédiées ?",
                   "Les commandes passées avant 14:00, heure de Berlin, partent le jour ouvré "
                   "même."),
            "ar": ("متى يتم شحن الطلبات؟",
                   "الطلبات قبل الساعة 14:00 بتوقيت برلين تشحن في يوم العمل نفسه."),
            "id": ("Kapan pesanan dikirim?",
                   "Pesanan sebelum pukul 14:00 waktu Berlin dikirim pada hari kerja yang sama."),
            "pt": ("Quando os pedidos são enviados?",
                   "Pedidos feitos antes das 14:00, horário de Berlim, saem no mesmo dia útil."),
        },
    },
    {
        "topic": "sizing",
        "handle": "linen-shirt",
        "texts": {
            "en": ("How does the linen shirt fit?",
                   "It has a relaxed fit; take your usual size, or one size down for a closer "
                   "fit."),
            "es": ("¿Cómo queda la camisa de lino?",
                   "Tiene un corte holgado; elige tu talla habitual, o una menos si la "
                   "prefieres más ajustada."),
            "de": ("Wie fällt das Leinenhemd aus?",
                   "Es ist locker geschnitten; nimm deine übliche Größe oder eine kleiner für "
                   "einen engeren Sitz."),
            "fr": ("Comment taille la chemise en lin ?",
                   "Elle a une coupe ample ; prenez votre taille habituelle, ou une taille en "
                   "dessous pour plus d'ajustement."),
            "ar": ("كيف يكون مقاس قميص الكتان؟",
                   "قصته واسعة؛ اختر مقاسك المعتاد، أو مقاسا أصغر إذا أردته أضيق."),
            "id": ("Bagaimana ukuran kemeja linen?",
                   "Potongannya longgar; pilih ukuran biasamu, atau satu ukuran lebih kecil "
                   "untuk yang lebih pas."),
            "pt": ("Como veste a camisa de linho?",
                   "Tem um corte solto; escolha seu tamanho habitual, ou um menor para um "
                   "caimento mais justo."),
        },
    },
]  # fmt: skip
