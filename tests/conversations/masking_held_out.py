"""The first held-out set: evasions and ordinary messages written after the detector's first
round (tuned on `masking_evasions.py`) and not tuned on in it: 85 % masked, 2.5 % flagged
then. The second round looked at its misses (spelled-out digits, addresses at a provider
without a domain, handles after an app's name), so it is now a regression set; the honest
estimate is the fresh set, `masking_fresh.py`.

`python -m tests.conversations.masking_held_out` prints the rates and every miss.
"""

EVASIONS = [
    "my gmail: kasia dot wrona at gmail dot com",
    "hit me up -> neonfox_88 @ hotmail . co . uk",
    "Email is same as my handle at outlook",
    "wh4tsapp plus four four seven seven zero zero nine zero zero four six one",
    "WA: +1 (917) 555-0143",
    "Phone — 0 7 7 0 0  9 0 0 1 2 3",
    "tele: neon_fox_films",
    "Instagram DM @kiwi.films.ai (faster)",
    "my tg is kiwi_fast_88",
    "telegram handle = @ana_makes_ai",
    "line: kiwi.88.studio",
    "微信：Ana_Kiwi_2024",
    "wechat→ anakiwi2024",
    "qq 1847362910 加我",
    "kakaotalk: neonfox.kr",
    "viber me +380 50 123 4567",
    "signal @ana.99",
    "discord: kiwi_studio (new usernames, no tag)",
    "venmo -> @Ana-Kowalska-7",
    "cash app: $kiwistudio88",
    "zelle to anak@icloud.com",
    "revolut tag @anakowalska",
    "paypal: ana.kowalska.films@gmail.com",
    "pay pal dot me slash anakowal",
    "wa dot me slash 447700900461",
    "t dot me slash kiwi_fast",
    "IBAN: gb29nwbk60161331926819",
    "acct DE89-3704-0044-0532-0130-00",
    "eth: 0xab5801a7d398351b8be11c439e05c5b3259aec9b",
    "btc BC1QXY2KGDYGJRSQTZQ2N0YRF2493P83KKFJHX0WLH",
    "USDT (TRC20) TQ7pZ1b8jYk3wVx9nR2sL4mA6dF5gH8kJ3 please",
    "my ENS: kiwistudio.eth",
    "ana.k@neonfox.films",
    "contact@kiwi-studio.video",
    "mail → ana_k [@] proton [.] me",
    "ana｡k＠gmail｡com",
    "+４４ ７７００ ９００４６１",
    "call me: (0044) 7700-900-461",
    "my skype is live:.cid.8fe2b1",
    "snap: neon.fox.films",
]

ORDINARY = [
    "Shots 11 12 13 14 15 need a darker grade.",
    "We go live on Instagram at 8pm Friday.",
    "ISBN 978-1-4028-9462-6 is the cookbook we adapt.",
    "Price is $2,450 for three cuts.",
    "Export at 2048x1080, DCI flat.",
    "seed 3141592653 looked best.",
    "The reel is 00:00:45:00 long.",
    "Can we talk here tomorrow at 10?",
    "Please number takes 1 2 3 4 5 6 in the file names.",
    "Our WhatsApp audience skews 25-34.",
    "Telegram-style sticker pack, 12 stickers.",
    "The phone in the ad should be a generic black slab.",
    "Our line is 'Fresh at 7' in the voice-over.",
    "Budget 75,000-95,000 minor units.",
    "Views: 3 200 000 on YouTube, 850 000 on TikTok.",
    "Deliver on 2025-11-03, review 2025-11-05.",
    "We need 24 frames per second, 1/48 shutter.",
    "Version 4.2.1 of the app UI is in the brand kit.",
    "Keep the email icon in the UI mockup grey.",
    "Reach out here if the brief is unclear.",
    "Order number on the box: 40-1182-77.",
    "Scene 4 at 1:12, scene 5 at 1:30.",
    "Text on screen: 'Call now' in bold.",
    "Signal light turns green at 0:09.",
    "The venmo-style split bill animation is cute.",
    "A cash app-like green, but not the same.",
    "Use 3 colours: #111111, #F5F5F5 and #FF3366.",
    "Half now via escrow, half on approval.",
    "Frames 1000-1240 have flicker.",
    "Our store opens at 9:30 on 14.02.2026.",
    "The kid counts 1 2 3 4 5 on her fingers.",
    "Room temperature 21.5 C in the scene.",
    "Audio peaks at -6 dB, target -14 LUFS.",
    "GTIN 00012345600012 on the label, keep it blurred.",
    "Use model luma-ray-2 at 1080p.",
    "The brand is on Discord too, but keep the ad neutral.",
    "Add a QR placeholder box 300x300.",
    "Twelve versions: 6 languages x 2 ratios.",
    "Our hotline jingle is 'dial 1 for joy'.",
    "I can deliver in 5 days, 2 revisions included.",
]


def measure() -> dict:
    from tests.conversations.masking_measure import measure as measure_set

    return measure_set(EVASIONS, ORDINARY)


if __name__ == "__main__":
    from tests.conversations.masking_measure import report

    report("held out", measure())
