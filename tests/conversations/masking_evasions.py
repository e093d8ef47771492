"""A labelled corpus of evasions and ordinary creative messages for the contact detector
(`marketplace.contacts`), at the scale the detector is judged on: EVASIONS (each must be
masked) are real contact details written with the tricks people use to slip them past a
filter; ORDINARY (none may be masked) are the messages of a creative brief, heavy with the
numbers and app names that look like contacts. SPLIT holds contacts cut across two
consecutive messages of one sender.

Each list is a hand-written part plus every contact written with every trick that applies
to its kind (`_tricked`), and ordinary sentences built from the numbers briefs really carry.

`python -m tests.conversations.masking_evasions` prints the rates and every miss.
"""

from itertools import cycle

ZW = "\u200b"
SOFT = "\u00ad"
KEYCAP = "\ufe0f\u20e3"
CYRILLIC = str.maketrans({"a": "а", "e": "е", "o": "о", "c": "с", "p": "р", "x": "х"})
GREEK = str.maketrans({"o": "ο", "v": "ν", "i": "ι", "k": "κ"})
FULLWIDTH_DIGITS = str.maketrans({str(d): chr(0xFF10 + d) for d in range(10)})


def _iban(country: str, bban: str) -> str:
    """A valid IBAN of `country` for `bban` (its check digits computed)."""
    digits = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{country}{98 - int(digits) % 97:02d}{bban}"


EMAILS = [
    "ana.kowalska@gmail.com",
    "neonfox@proton.me",
    "kasia.w@studio.agency",
    "hello@kiwi.art",
    "mark.chen@outlook.com",
    "j.doe@company.org",
    "ana_k88@yandex.ru",
    "reels@neonfox.studio",
    "tom.b@icloud.com",
    "lena-m@web.de",
]
PHONES = [
    "+44 20 7946 0958",
    "+1 415 555 0132",
    "+49 151 23456789",
    "+86 138 0013 8000",
    "+33 6 12 34 56 79",
    "+81 90 1234 5678",
    "+7 912 345-67-89",
    "+91 98765 43210",
    "+61 2 9374 4000",
    "+55 11 91234-5678",
]
NATIONAL_PHONES = ["07700 900123", "(415) 555-0199", "030 1234 5678", "0612 345 678"]
HANDLES = [
    "telegram: @neonfox_studio",
    "whatsapp +49 151 23456789",
    "微信: neonfox88",
    "微信号 kiwi_studio",
    "vx: ana_k88",
    "QQ 283746512",
    "qq号: 1029384756",
    "line id: kiwi_studio",
    "kakao: kiwi123",
    "kakaotalk id neon_fox",
    "signal: neonfox.42",
    "discord: neonfox#4821",
    "venmo @ana-k-88",
    "cashapp $AnaMakesReels",
    "revolut @anakowal",
    "zelle 415-555-0123",
    "paypal.me/anakowalska",
    "t.me/neonfox",
    "wa.me/4915123456789",
    "viber 380501234567",
    "snapchat: ana-k-reels",
    "skype live:ana.kowalska",
    "wechat id ana_k88",
    "tg @kiwi_fast",
    "@neon.fox.reels on instagram",
    "@kasia_w on telegram",
    "wise: @anakowalska12",
    "alipay 13800138000",
    "matrix @neonfox:matrix.org",
    "threema: ABCD1234",
]
IBANS = [
    _iban("DE", "370400440532013000"),
    _iban("GB", "NWBK60161331926819"),
    _iban("FR", "20041010050500013M02606"),
    _iban("NL", "ABNA0417164300"),
    _iban("ES", "21000418450200051332"),
    _iban("PL", "109010140000071219812874"),
]
WALLETS = [
    "0x52908400098527886E0F7030069857D2E4169EE7",
    "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh",
    "7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV",
    "neonfox.eth",
    "TQ7pZ1b8jYk3wVx9nR2sL4mA6dF5gH8kJ3",
    "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
]

CARRIERS = [
    "{} is the easiest way to reach me.",
    "Ping me at {} and we skip the platform fee.",
    "My details: {}",
    "{}",
    "let's continue there: {} 🙂",
    "For the raw files write to {} instead.",
    "Quicker: {}, I answer at once.",
    "Off-platform is cheaper for you, {}",
]


def _spread(text: str, mark: str, every: int = 1) -> str:
    return mark.join(text[i : i + every] for i in range(0, len(text), every))


def _email_tricks(email: str) -> list[str]:
    local, domain = email.split("@")
    name, _, tld = domain.rpartition(".")
    return [
        email,
        email.replace("@", "＠").replace(".", "．"),
        _spread(email, ZW, 2),
        _spread(email, SOFT, 3),
        email.translate(CYRILLIC),
        f"{local} @ {domain}",
        f"{local} @ {name} . {tld}",
        email.replace(".", "[.]"),
        f"{local}(at){name}(dot){tld}",
        f"{local} at {name} dot {tld}",
        f"{local} [at] {name} [dot] {tld}",
        email.upper(),
    ]


def _phone_tricks(phone: str) -> list[str]:
    digits_only = "".join(c for c in phone if c.isdigit() or c == "+")
    return [
        phone,
        _spread(phone, ZW, 2),
        "".join(c + KEYCAP if c.isdigit() else c for c in phone),
        phone.translate(FULLWIDTH_DIGITS),
        f"ref {phone}",
        f"seed {phone}",
        f"usd {phone}",
        f"{phone} (views)",
        phone.replace(" ", "."),
        digits_only,
        _spread(phone, SOFT, 2),
    ]


def _handle_tricks(handle: str) -> list[str]:
    return [
        handle,
        handle.replace(":", "："),
        _spread(handle, ZW, 3),
        handle.replace(".", "[.]") if "." in handle else handle.upper(),
    ]


def _iban_tricks(iban: str) -> list[str]:
    groups = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    return [
        f"IBAN {groups}",
        iban.lower(),
        "-".join(iban[i : i + 4] for i in range(0, len(iban), 4)),
        groups.lower(),
    ]


def _wallet_tricks(wallet: str) -> list[str]:
    return [wallet, wallet.upper() if wallet.startswith("bc1") else _spread(wallet, ZW, 6)]


def _tricked() -> list[str]:
    carriers = cycle(CARRIERS)
    out = []
    for email in EMAILS:
        out += [next(carriers).format(t) for t in _email_tricks(email)]
    for phone in PHONES:
        out += [next(carriers).format(t) for t in _phone_tricks(phone)]
    for phone in NATIONAL_PHONES:
        out += [f"call me on {phone}", f"my number {phone.translate(FULLWIDTH_DIGITS)}"]
    for handle in HANDLES:
        out += [next(carriers).format(t) for t in _handle_tricks(handle)]
    for iban in IBANS:
        out += [f"Bank transfer is fine: {t}" for t in _iban_tricks(iban)]
    for wallet in WALLETS:
        out += [f"or pay in crypto: {t}" for t in _wallet_tricks(wallet)]
    return out


HAND_WRITTEN_EVASIONS = [
    "mail me: ana.k＠gmail．com",
    "a n a . k @ g m a i l . c o m",
    "ana dot kowalska at gmail dot com",
    "neonfox at proton dot me",
    "my insta is @ana.makes and I reply faster there",
    "add me on WeChat: kiwi-studio-88",
    "微信 kiwistudio2024 加我",
    "加我微信：neonfox_88",
    "v信 ana88kiwi",
    "QQ：349817265",
    "Line: @kiwi88",
    "Kakao ID = neonfox",
    "Signal me, +1 917 555 0143",
    "Discord is neonfox#0420",
    "Venmo: @Kiwi-Studio",
    "CashApp: $neonfoxreels",
    "revolut.me/anak12",
    "paypal[.]me/anakowalska",
    "t[.]me/neonfox_studio",
    "wa[.]me/447700900461",
    "t(dot)me/kiwi",
    "find me: t . me / neonfox",
    "telegram t.me/+AbCdEf12345",
    "whatsapp ➕4️⃣4️⃣ 7️⃣7️⃣0️⃣0️⃣ 9️⃣0️⃣0️⃣ 4️⃣6️⃣1️⃣",
    "number: +44 ٧٧٠٠ ٩٠٠ ٤٦١",
    "call +44 (0) 20 7946 0958",
    "+1-202-555-0175 ref the budget",
    "seed +44 7700 900461 lol just text",
    "ETH 0xAb5801a7D398351b8bE11C439e05C5B3259aeC9B",
    "BTC: BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ",
    "sol wallet 9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM",
    "send to neonfox.eth",
    "usdt trc20 TQ7pZ1b8jYk3wVx9nR2sL4mA6dF5gH8kJ3",
    "my email is ana.k@neonfox.studio",
    "write to reels@kiwi.agency",
    "ana.k@neonfox.xyz works",
    "Mаrk.Chеn@Оutlооk.cоm",
    "hello@kiwi.art (no fees that way)",
    "contact: hello [at] kiwi [dot] art",
    "ana(at)proton(dot)me",
    "whatsapp me at 447700900461",
    "tel: 020 7946 0018",
    "my cell 415 555 0132",
    "ring 0049 30 1234567",
    "Zelle: ana.k@gmail.com",
    "PayPal → ana_k@hotmail.com",
    "skype: live:kasia.w",
    "snap: ana.snaps_22",
    "@kasiaw on Signal",
    "iban: de89 3704 0044 0532 0130 00",
]

EVASIONS = HAND_WRITTEN_EVASIONS + _tricked()

SPLIT = [
    ("my number is +44 20", "7946 0958"),
    ("text me +1 415", "555 0132"),
    ("ana.kowalska@", "gmail.com"),
    ("ana.kowalska", "@gmail.com"),
    ("telegram:", "@neonfox_studio"),
    ("wa.me/", "4915123456789"),
    ("paypal.me", "/anakowalska"),
    ("IBAN DE89 3704 0044", "0532 0130 00"),
    ("call me +49 151", "23456789"),
    ("my whatsapp is +33 6 12", "34 56 79"),
    ("微信", "neonfox88"),
    ("0x52908400098527886E0F", "7030069857D2E4169EE7"),
]


# --- ordinary messages --------------------------------------------------------------------

_ISBNS = ["978-3-16-148410-0", "978-0-306-40615-7", "978-1-86197-876-9", "9780262033848"]
_PLATFORMS = ["Instagram", "TikTok", "YouTube", "WhatsApp", "Telegram", "Facebook", "Snapchat"]
_TIMES = ["6pm", "9am", "18:00", "noon", "7:30pm", "midnight", "10am CET"]


def _ordinary_generated() -> list[str]:
    out = []
    for start in (1, 3, 5, 12):
        shots = " ".join(str(n) for n in range(start, start + 8))
        out += [
            f"Shots {shots} need the colour fix.",
            f"Scenes {shots}: keep the same lighting.",
            f"Please redo takes {shots} with a slower pan.",
        ]
    out += ["Shots 3 4 5 6 7 8 9 10", "Frames 120 240 360 480 need cleanup."]
    for platform in _PLATFORMS:
        for when in _TIMES[:4]:
            out.append(f"It goes live on {platform} at {when}, so deliver before.")
    for when in _TIMES:
        out.append(f"We post on Instagram at {when} on weekdays.")
    for isbn in _ISBNS:
        out += [
            f"The storyboard follows the book, ISBN {isbn}.",
            f"Reference: the novel {isbn}, chapter 3.",
        ]
    for price in ("$1,299.99", "€2.500", "1.250.000 KRW", "USD 45,000", "¥120,000", "£3,450"):
        out += [f"The budget is {price} for the full package.", f"Could you do it for {price}?"]
    for w, h in ((3840, 2160), (1080, 1920), (1920, 1080), (2160, 3840), (1280, 720)):
        out += [f"Render at {w}x{h}, 30 fps.", f"Deliver {w} x {h} masters and proxies."]
    for seed in (1234567890, 4294967295, 8842001937, 5550132000, 2079460958):
        out += [
            f"I used seed {seed} with kling-2.1-pro.",
            f"Seed {seed} gave the best hands.",
            f"Task id {seed} failed twice on Runway.",
        ]
    for duration in ("00:01:30:12", "0:15-0:30", "1h 20m", "90 s", "00:00:12.500"):
        out += [f"The cut runs {duration}.", f"Trim the intro to {duration} please."]
    for day in ("2025-07-14", "14.07.2025 - 21.07.2025", "03/08/2025 to 10/08/2025"):
        out.append(f"Delivery window: {day}.")
    for views in ("1,250,000", "2 400 000", "980,000", "12.5M", "3,000,000"):
        out += [f"The last reel got {views} views.", f"{views} impressions in one week."]
    for amount in ("50 000 – 90 000", "45,000 - 60,000", "1 500 000", "100,000"):
        out.append(f"Budget range {amount} USD cents.")
    for when in ("15:30", "9:45am", "3pm CET", "10.30", "noon on 12.03"):
        out += [f"Can we move the call to {when}?", f"Text overlay at {when} on the clock prop."]
    for n, (w, h) in enumerate(((390, 844), (1179, 2556), (1440, 3120), (828, 1792)), 1):
        out += [
            f"Phone mockup {w} x {h} px, screen {n} of 4.",
            f"Mobile cut at {w}x{h} and desktop at 1920x1080.",
        ]
    for reach in ("2,000,000", "350 000", "1.2 million", "80,000"):
        out += [f"We want to reach {reach} people in 14 days.", f"Reach: {reach} (organic)."]
    for step in (2, 5, 10):
        seq = " ".join(str(n) for n in range(step, step * 8, step))
        out += [f"Number the frames {seq} on the contact sheet.", f"Keep beats {seq}."]
    for milestone, cuts in ((1, 3), (2, 5), (3, 2), (4, 6)):
        out += [
            f"Milestone {milestone}: {cuts} cuts due 2025-0{milestone}-15.",
            f"For milestone {milestone} we pay {cuts * 12_500} in minor units.",
        ]
    for kelvin in (3200, 4300, 5600, 6500):
        out.append(f"Ring light at {kelvin} K, two stops under.")
    for pt in (24, 36, 48, 72):
        out.append(f"Text size {pt} pt, line height 1.2, tracking +20.")
    for lang in ("EN", "DE", "FR", "ES", "JA", "KO"):
        out.append(f"{lang} version: 3 cuts × 4 languages = 12 files, 15 s each.")
    for year in (2019, 2021, 2023, 2024):
        out += [
            f"The brand was founded in {year} and sold 1,200,000 units since.",
            f"Use the {year} logo, not the 2015 one.",
        ]
    return out


HAND_WRITTEN_ORDINARY = [
    "Can you do it for $450 instead of $500?",
    "At 0:07 the logo is mirrored, please flip it.",
    "Between 00:12 and 00:15 the hands look wrong.",
    "Version 2.1.4 of the model fixed the hands.",
    "Room 204, building 7 is where we shoot the reference.",
    "Our order ref is INV-2024-0031.",
    "Colour #FF5733 for the logo, #1A1A1A background.",
    "Tag it #ad and #sponsored per the rules.",
    "Thanks @ana, loved your neon reel!",
    "I'll ask @brand-x's manager about the IP terms.",
    "Can the video show a WhatsApp-style chat bubble popping up?",
    "Think Telegram sticker energy, bouncy and flat.",
    "Use the Signal orange we use in our signage.",
    "A wise old owl narrates the intro.",
    "Add a line break between the two captions.",
    "Snap cuts between scenes, no crossfades.",
    "Show someone paying with Apple Pay at a café.",
    "The mascot holds a phone with a PayPal-blue screen.",
    "Please reply here in the thread so we keep the record.",
    "Email the final files through the delivery page, not by mail.",
    "Lens 24-70mm f/2.8, ISO 800, shutter 1/50.",
    "Audio at 48000 Hz, 320 kbps.",
    "Bitrate 8000 kbps for the 4k master.",
    "Coordinates of the location: 51.5074, -0.1278.",
    "2x 15s + 1x 30s, all 9:16.",
    "Aspect 4:5 for the feed, 9:16 for stories.",
    "CFG 7.5, steps 30, sampler DPM++ 2M Karras.",
    "Score went from 0.82 to 0.91 after the tweak.",
    "The clip has 360 frames at 24 fps = 15 s.",
    "Costs about $6.72 to generate with 4 rerolls.",
    "Fee 15% for partner creators, 20% otherwise.",
    "We had 1,250,000 views on the last campaign.",
    "Reference ticket 4455667788 in your bid note.",
    "The brief says 3 deliverables of 15 s each.",
    "Model hailuo-02, 6 s clips, 1280x720.",
    "veo-3 at 720p looks soft; 4k upscale please.",
    "Our audience is on WhatsApp channels mostly, keep text large.",
    "Could the robot use a Venmo-like payment animation?",
    "A signal flare lights the sky at the end.",
    "@kasia thanks, the second draft is much better!",
    "Budget is 1 200 000 KRW per reel? No, that's too high.",
    "Make the cash register ring at 00:05.",
    "Wise choice on the colour grade!",
    "We'll post it on Instagram, TikTok and YouTube Shorts.",
    "Can you show a phone screen with a fake chat app?",
    "The line producer wants shots 1-12 by Friday.",
    "Call sheet for day 2 is in the brief.",
    "The QQ-style penguin mascot should wave.",
    "The hero says 'call me maybe' at 0:12.",
    "Use the Discord purple, #5865F2, in the background.",
    "The Kakao friends look is too close, make it original.",
    "Telegram at noon is our posting slot.",
    "on Instagram at 6pm",
    "Give the phone a 6.1 inch screen in the render.",
    "Price tiers: 99, 199, 299, 399, 499.",
    "Steps 28, CFG 6, seed 998877665.",
    "Our SKU 4006381333931 needs to show on the box.",
    "EAN 5901234123457 is printed on the pack shot.",
    "Episode 3 of 10, scenes 45 46 47 48.",
    "Top speed 299 km/h, 0-100 in 3.2 s.",
    "Shot at 1/8000 s, f/1.4, 50mm.",
    "Please keep the file names like shot_03_v2.mp4.",
    "Timecode 01:02:03:04 to 01:02:09:00.",
    "About 450 frames at 30 fps.",
    "Our hashtag is #NeonNights2025.",
    "Is 2025/09/01 too late for the second milestone?",
    "Reply on the platform please, not by e-mail.",
    "The brand line is 'Stay in touch'.",
    "Make the at-sign logo glow at 0:03.",
    "Dot the i's in the title card with stars.",
    "The product name is Kiwi.Studio, styled with the dot.",
    "It launches at 9am PT on TikTok.",
    "We're at 85% of the budget.",
    "Three versions: 1.0, 1.1 and 2.0.",
    "In 2024 we sold 1,200,000 units.",
    "The robot's serial number on screen: RX-78-2.",
    "Latitude 40.7128, longitude -74.0060.",
    "Make 4 cuts: 6s, 10s, 15s and 30s.",
    "Budget 50k-90k USD.",
    "Fee preview says 1,500.00 EUR net.",
    "Signal bars 1 2 3 4 fill up on the phone screen.",
    "The WhatsApp channel has 120 000 followers, keep it safe for work.",
    "iPhone 15 Pro, 6.1 inch, 2556x1179 for the hero shot.",
    "Tel Aviv shoot on 12-14 March.",
    "Order 3 of 5 arrives Tuesday.",
    "Call to action at 00:00:27:10.",
    "Line 2 of the script and line 14 need rewording.",
    "Contact sheet of 36 frames, numbered.",
    "We need 3 versions × 4 languages = 12 files.",
    "Dial the saturation down 10%.",
    "Text me here if anything is unclear.",
    "Number of revisions: 2, then 150 USD per round.",
    "The mobile version is 9:16 at 1080x1920.",
    "Our hotline number appears on screen as 0800 PLACEHOLDER, leave it blank.",
    "Show the fake number 555-0100 on the billboard (film-safe).",
    "The end card shows www.kiwi-brand.com, our own site.",
    "Put our URL kiwi-brand.com/summer on the last frame.",
    "Our Instagram handle on the end card stays as in the brand book.",
    "Use the QR code from the brand kit, don't make a new one.",
    "The PO will be issued after approval.",
    "Three reels: 7 s, 11 s and 23 s.",
    "We shoot from 08:00 to 18:00 both days.",
    "Batch 12 of the renders looks off, rerun 12-15.",
    "Credits: 1200 used, 800 left this month.",
    "Render queue position 14, about 20 min.",
    "Chapter markers at 0:00, 0:45, 1:30 and 2:15.",
    "Lower thirds for 5 speakers, 4 s each.",
    "GPU time was 3 h 12 min for the batch.",
    "The jingle is 120 BPM, in C minor.",
    "Please add subtitles: SRT, 42 characters per line max.",
    "We need 10 stills at 300 dpi, 4961 x 3508 px.",
    "Deadline moved from 14 July to 21 July.",
    "Shots 1, 2, 3 and 7 are approved.",
    "Slides 4-9 need the new palette.",
    "Weeks 27 28 29 30 are the flight dates.",
    "The track list: 1 2 3 4 5 6 7 8 9 10 11 12.",
    "The countdown goes 10 9 8 7 6 5 4 3 2 1.",
    "Pantone 186 C and 2945 C only.",
    "RAL 9005 black for the product.",
    "File size under 250 MB, H.264, 20 Mbps.",
    "Our office is on floor 12, desk 1204, if you visit the shoot.",
    "The at symbol in the logo must stay round.",
    "Mail merge of names goes in the end card, we send the CSV via the platform.",
    "A dot matrix font for the countdown please.",
    "Email marketing cut: 600 px wide GIF, under 1 MB.",
    "Insta story stickers: poll and countdown, nothing else.",
]

ORDINARY = HAND_WRITTEN_ORDINARY + _ordinary_generated()


def measure() -> dict:
    """The detector on the corpus: recall on EVASIONS and SPLIT, false positives on ORDINARY."""
    from marketplace.contacts import find, mask_continuing

    missed = [s for s in EVASIONS if not find(s)]
    missed_split = [p for p in SPLIT if not mask_continuing([p[0]], p[1])[1]]
    false = [s for s in ORDINARY if find(s)]
    caught = len(EVASIONS) + len(SPLIT) - len(missed) - len(missed_split)
    return {
        "evasions": len(EVASIONS) + len(SPLIT),
        "masked_rate": caught / (len(EVASIONS) + len(SPLIT)),
        "ordinary": len(ORDINARY),
        "false_positive_rate": len(false) / len(ORDINARY),
        "missed": missed + [" | ".join(p) for p in missed_split],
        "false_positives": false,
    }


if __name__ == "__main__":
    result = measure()
    print(
        f"evasions {result['evasions']}: {result['masked_rate']:.1%} masked; "
        f"ordinary {result['ordinary']}: {result['false_positive_rate']:.1%} false positives"
    )
    for sentence in result["missed"]:
        print("  MISSED:", repr(sentence))
    for sentence in result["false_positives"]:
        print("  FALSE POSITIVE:", repr(sentence))
