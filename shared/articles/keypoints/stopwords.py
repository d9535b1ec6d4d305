"""Function words of the languages other than English that the extractive backend knows.

English stop words live with the tokenizer (``text.STOPWORDS``) and apply to every text. A
text in one of these languages also drops its own function words, so that "que", "для" or
"yang" are neither keywords nor overlap that makes two sentences look alike. The lists are
kept per language: a word that is a function word in one language can be a content word in
another ("war" is German for "was", "man" for "one").
"""

from __future__ import annotations

from articles.keypoints.text import word_list

_FUNCTION_WORDS: dict[str, str] = {
    "de": """der die das den dem des ein eine einen einem einer eines und oder aber doch
        sondern denn ist sind war waren wird werden wurde wurden sein hat haben hatte hatten
        kann können konnte muss müssen soll sollen will wollen nicht kein keine keinen auch
        noch schon nur sehr mehr so wie als wenn dass ob weil da dann hier dort es er sie wir
        ihr ich du man sich mit von zu zum zur bei nach vor aus auf für um über unter durch
        gegen ohne im in an am ins vom bis seit diese dieser dieses diesen jetzt immer wieder
        etwa sowie bereits laut sei seine seiner seinen ihre ihren ihrem uns euch was wer""",
    "fr": """le la les l un une des du de d au aux et ou mais donc car ni que qui quoi dont
        où ce cet cette ces il elle ils elles on nous vous je tu se sa son ses leur leurs mon
        ma mes ton ta notre votre est sont était étaient été être a ont avait avoir fait faire
        peut pas ne plus très aussi bien encore déjà tout tous toute toutes en dans par pour
        sur sous avec sans entre vers chez comme si y lui même après avant selon alors ainsi
        c qu n s j m cela ça celui celle ceux va vont doit doivent dit""",
    "es": """el la los las lo un una unos unas y e o u pero sino que quien quienes cual
        cuales cuando donde como porque pues si no ni ya muy más menos también tampoco es son
        era eran fue fueron ser estar está están estaba ha han había hay haber de del al a en
        por para con sin sobre entre hasta desde hacia según su sus mi mis tu tus se le les me
        te nos este esta estos estas ese esa esos esas aquel eso esto todo todos toda todas
        otro otra otros otras mismo cada tan él ella ellos ellas yo usted ustedes va van
        puede pueden debe deben dice dijo""",
    "pt": """o a os as um uma uns umas e ou mas que quem qual quais quando onde como porque
        se não nem já muito muitos muita muitas mais menos também é são era eram foi foram ser
        estar está estão estava tem têm tinha ter há de do da dos das ao aos à às em no na nos
        nas num numa por pelo pela pelos pelas para pra com sem sobre entre até desde seu sua
        seus suas meu minha ele ela eles elas eu você vocês nós lhe lhes me te isso isto esse
        essa este esta aquele aquela todo todos toda todas outro outra cada aqui ali assim vai
        vão pode podem deve devem diz disse""",
    "it": """il lo la i gli le l un uno una e ed o ma che chi cui quale quando dove come
        perché se non né già molto più meno anche è sono era erano fu stato stata essere ha
        hanno aveva avere di del dello della dei degli delle a al allo alla ai agli alle da
        dal dalla dai in nel nello nella nei negli nelle con su sul sulla per tra fra suo sua
        suoi sue mio mia lui lei loro io tu noi voi si ci ne mi ti questo questa questi queste
        quello quella tutto tutti tutta tutte altro altra ogni così ancora poi dopo può
        possono deve devono dice detto""",
    "nl": """de het een en of maar dat die dit deze wie wat waar wanneer hoe omdat als dan
        niet geen ook nog al wel zeer meer is zijn was waren wordt worden werd werden heeft
        hebben had kan kunnen moet zal zou van in op te aan met voor door over bij naar uit tot
        om onder tegen zonder hij zij ze wij we ik je jij u men zich hun haar mijn er hier daar
        nu""",
    "sv": """och att det är som en ett på för av med till den har inte om var jag men hade
        kan så från eller också han hon de vi ni du sig sin sitt sina efter vid under över när
        där här nu bara mycket mer än ska skulle kommer blev bli varit vara detta denna dessa
        vad vem hur""",
    "pl": """i w we nie na się z ze do to że jest o jak ale po co tak za od jego już przez
        być dla oraz może są także a u jej ich był była było były będzie który która które
        tym tego ten ta te tylko jeszcze bardzo gdy gdzie czy ani lub albo mnie mi go jako przy
        nad pod przed""",
    "ru": """и в во не что с со по как это он она они оно мы вы я ты к ко из за от для но
        так же был была было были быть все всё его её их а у о об при до после над под между
        или бы ли уже ещё еще только очень тоже также который которая которые которых этот эта
        эти того тем том чем чтобы если когда где там здесь вот нет да есть может свой своей
        своих сейчас""",
    "ar": """في من على إلى الى عن أن إن ان التي الذي الذين هذا هذه ذلك تلك كان كانت يكون
        قد لا ما لم لن هو هي هم نحن أنا مع بين بعد قبل كل أو ثم حتى عند منذ وقد وفي ومن
        وعلى وإن وأن وهو وهي أي غير بعض كما أيضا لكن بل إذا إذ التى الى لها له لهم به بها
        فيه فيها منها منه عليه عليها يوم خلال""",
    # Chinese and Japanese are tokenized by character: their lists are of characters (and
    # Japanese kana endings) that are grammar, not topic.
    "zh": """的 了 是 在 和 与 及 将 对 为 也 就 都 而 但 从 把 被 这 那 其 之 等 着 过 吗 呢
        吧 啊 我 你 他 她 它 们 并 或 于 以 由 所 很 还 又 该 此 各 每""",
    "ja": """の に は を が で て と も な か た し ま す だ る い う え れ ら や へ よ ね こ そ
        あ ど ん っ ょ ゃ ゅ""",
    "id": """yang dan di ini itu dengan untuk dari dalam tidak akan pada juga ke ada adalah
        karena oleh atau saya bisa sudah mereka kami kita kamu dia ia telah sebagai lebih
        tersebut para seperti hanya saat bahwa namun tetapi jika maka agar setelah sebelum
        antara belum masih harus dapat secara ya""",
}

_SETS: dict[str, frozenset[str]] = {}


def function_words(language: str | None) -> frozenset[str] | None:
    """The function words of ``language`` (an ISO 639-1 code, "pt-BR" style accepted), or None
    for English and for languages without a list."""
    if not language:
        return None
    code = language.replace("_", "-").split("-", 1)[0].lower()
    words = _FUNCTION_WORDS.get(code)
    if words is None:
        return None
    found = _SETS.get(code)
    if found is None:
        found = _SETS[code] = frozenset(word_list(words))
    return found
