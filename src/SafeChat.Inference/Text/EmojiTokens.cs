namespace SafeChat.Inference.Text;

/// <summary>
/// The canonical tokens the normalizer writes in place of emoji and web addresses, and the small emoji table. Emoji
/// that carry meaning in grooming and sextortion chat map to a word; every other emoji becomes <c>emoji</c>.
/// </summary>
internal static class EmojiTokens
{
    public const byte Emoji = 0;
    public const byte Snapchat = 1;
    public const byte Photo = 2;
    public const byte Sexual = 3;
    public const byte Gift = 4;
    public const byte Money = 5;
    public const byte Secret = 6;
    public const byte Kiss = 7;
    public const byte Love = 8;
    public const byte Url = 9;
    public const byte Email = 10;
    public const byte Handle = 11;

    private static readonly string[] Texts =
    [
        "emoji", "snapchat", "photo", "emoji_sexual", "gift", "money", "secret", "emoji_kiss", "emoji_love", "url",
        "email", "handle",
    ];

    public static string TextOf(byte id) => Texts[id];

    /// <summary>Whether the code point is drawn as an emoji (pictographs, dingbats, misc symbols).</summary>
    public static bool IsEmoji(int codePoint) => codePoint switch
    {
        >= 0x1F000 and <= 0x1FAFF => true,
        >= 0x2600 and <= 0x27BF => true,
        >= 0x2B05 and <= 0x2B55 => true,
        >= 0x231A and <= 0x23FF => true,
        0x3030 or 0x303D or 0x3297 or 0x3299 => true,
        _ => false,
    };

    /// <summary>The canonical token for an emoji code point (<see cref="IsEmoji"/> must be true).</summary>
    public static byte Classify(int codePoint) => codePoint switch
    {
        0x1F47B => Snapchat,                                         // 👻
        0x1F4F7 or 0x1F4F8 or 0x1F933 => Photo,                      // 📷 📸 🤳
        0x1F346 or 0x1F351 or 0x1F4A6 => Sexual,                     // 🍆 🍑 💦
        0x1F381 => Gift,                                             // 🎁
        0x1F4B0 or 0x1F4B5 or 0x1F4B8 or 0x1F911 => Money,           // 💰 💵 💸 🤑
        0x1F92B => Secret,                                           // 🤫
        0x1F618 or 0x1F617 or 0x1F619 or 0x1F61A or 0x1F48B => Kiss, // 😘 😗 😙 😚 💋
        0x1F60D or 0x1F970 or 0x1F63B or 0x2764 or 0x2665 or 0x2661
            or 0x1F493 or (>= 0x1F495 and <= 0x1F49F) => Love,       // 😍 🥰 😻 ❤ ♥ ♡ 💓 💕…💟 (not 💔)
        _ => Emoji,
    };
}
