using System.Collections.Frozen;

namespace SafeChat.Inference.Text;

/// <summary>
/// A compact hand-written subset of the Unicode UTS #39 confusables for letters that look like Latin letters:
/// Latin small capitals and IPA letters, Cyrillic, Greek, Armenian and Cherokee. Uppercase and lowercase forms are
/// listed separately because they look like different Latin letters (Greek <c>Η</c> looks like <c>h</c>, <c>η</c>
/// like <c>n</c>), so mapping happens before lowercasing.
/// </summary>
internal static class Confusables
{
    private enum Script : byte
    {
        Other,
        Latin,
        Greek,
        Cyrillic,
        Armenian,
        Cherokee,
    }

    // Latin-script lookalikes (small capitals, IPA) are always mapped: the word is Latin either way.
    private static readonly FrozenDictionary<char, char> LatinLookalikes = new Dictionary<char, char>
    {
        ['\u1D00'] = 'a', ['\u0299'] = 'b', ['\u1D04'] = 'c', ['\u1D05'] = 'd', ['\u1D07'] = 'e', ['\uA730'] = 'f',
        ['\u0262'] = 'g', ['\u029C'] = 'h', ['\u026A'] = 'i', ['\u1D0A'] = 'j', ['\u1D0B'] = 'k', ['\u029F'] = 'l',
        ['\u1D0D'] = 'm', ['\u0274'] = 'n', ['\u1D0F'] = 'o', ['\u1D18'] = 'p', ['\u0280'] = 'r', ['\uA731'] = 's',
        ['\u1D1B'] = 't', ['\u1D1C'] = 'u', ['\u1D20'] = 'v', ['\u1D21'] = 'w', ['\u028F'] = 'y', ['\u1D22'] = 'z',
        ['\u0251'] = 'a', ['\u0261'] = 'g', ['\u0131'] = 'i', ['\u0237'] = 'j', ['\u0269'] = 'i', ['\u01C0'] = 'l',
        ['\u028B'] = 'u',
    }.ToFrozenDictionary();

    // Non-Latin letters mapped only inside mixed-script tokens (see ShouldMap).
    private static readonly FrozenDictionary<char, char> ScriptLookalikes = new Dictionary<char, char>
    {
        // Cyrillic uppercase.
        ['\u0410'] = 'a', ['\u0412'] = 'b', ['\u0415'] = 'e', ['\u041A'] = 'k', ['\u041C'] = 'm', ['\u041D'] = 'h',
        ['\u041E'] = 'o', ['\u0420'] = 'p', ['\u0421'] = 'c', ['\u0422'] = 't', ['\u0423'] = 'y', ['\u0425'] = 'x',
        ['\u0405'] = 's', ['\u0406'] = 'i', ['\u0408'] = 'j', ['\u04C0'] = 'l', ['\u0500'] = 'd', ['\u051A'] = 'q',
        ['\u051C'] = 'w', ['\u04AE'] = 'y',
        // Cyrillic lowercase.
        ['\u0430'] = 'a', ['\u0432'] = 'b', ['\u0435'] = 'e', ['\u043A'] = 'k', ['\u043C'] = 'm', ['\u043D'] = 'h',
        ['\u043E'] = 'o', ['\u0440'] = 'p', ['\u0441'] = 'c', ['\u0442'] = 't', ['\u0443'] = 'y', ['\u0445'] = 'x',
        ['\u0433'] = 'r', ['\u043F'] = 'n', ['\u044C'] = 'b', ['\u0455'] = 's', ['\u0456'] = 'i', ['\u0458'] = 'j',
        ['\u04CF'] = 'l', ['\u0501'] = 'd', ['\u04BB'] = 'h', ['\u051B'] = 'q', ['\u051D'] = 'w', ['\u04AF'] = 'y',
        // Greek uppercase.
        ['\u0391'] = 'a', ['\u0392'] = 'b', ['\u0395'] = 'e', ['\u0396'] = 'z', ['\u0397'] = 'h', ['\u0399'] = 'i',
        ['\u039A'] = 'k', ['\u039C'] = 'm', ['\u039D'] = 'n', ['\u039F'] = 'o', ['\u03A1'] = 'p', ['\u03A4'] = 't',
        ['\u03A5'] = 'y', ['\u03A7'] = 'x',
        // Greek lowercase.
        ['\u03B1'] = 'a', ['\u03B2'] = 'b', ['\u03B3'] = 'y', ['\u03B5'] = 'e', ['\u03B7'] = 'n', ['\u03B9'] = 'i',
        ['\u03BA'] = 'k', ['\u03BC'] = 'u', ['\u03BD'] = 'v', ['\u03BF'] = 'o', ['\u03C1'] = 'p', ['\u03C4'] = 't',
        ['\u03C5'] = 'u', ['\u03C7'] = 'x', ['\u03C9'] = 'w', ['\u03F2'] = 'c', ['\u03F3'] = 'j',
        // Armenian.
        ['\u0555'] = 'o', ['\u054D'] = 'u', ['\u054F'] = 's', ['\u053C'] = 'l',
        ['\u0561'] = 'w', ['\u0566'] = 'q', ['\u0570'] = 'h', ['\u0578'] = 'n', ['\u057D'] = 'u', ['\u0581'] = 'g',
        ['\u0585'] = 'o',
        // Cherokee (uppercase code points; lowercase Cherokee is folded to these first).
        ['\u13A0'] = 'd', ['\u13A1'] = 'r', ['\u13A2'] = 't', ['\u13A5'] = 'i', ['\u13A9'] = 'y', ['\u13AA'] = 'a',
        ['\u13AB'] = 'j', ['\u13AC'] = 'e', ['\u13B3'] = 'w', ['\u13B7'] = 'm', ['\u13BB'] = 'h', ['\u13C0'] = 'g',
        ['\u13C3'] = 'z', ['\u13CF'] = 'b', ['\u13D2'] = 'r', ['\u13D5'] = 's', ['\u13D9'] = 'v', ['\u13DA'] = 's',
        ['\u13DE'] = 'l', ['\u13DF'] = 'c', ['\u13E2'] = 'p', ['\u13E6'] = 'k', ['\u13F4'] = 'b',
    }.ToFrozenDictionary();

    /// <summary>
    /// Letters that are not part of the Russian alphabet and that evasion uses precisely because they look Latin. A
    /// token written only in lookalikes that contains one of these is mapped even without Latin letters.
    /// </summary>
    private static bool IsStrong(char c) => c is '\u0405' or '\u0455' or '\u0406' or '\u0456' or '\u0408' or '\u0458'
        or '\u04C0' or '\u04CF' or '\u0500' or '\u0501' or '\u04BB' or '\u051A' or '\u051B' or '\u051C' or '\u051D'
        or '\u03F2' or '\u03F3';

    /// <summary>Maps a Latin-script lookalike (small capital, IPA letter) to its ASCII letter.</summary>
    public static bool TryMapLatin(char c, out char latin) => TryMap(LatinLookalikes, c, out latin);

    /// <summary>
    /// Maps a Cyrillic/Greek/Armenian/Cherokee lookalike to its ASCII letter. A letter that is not listed maps as its
    /// lowercase form does (<c>Ω</c> as <c>ω</c>), so that mapping after lowercasing gives the same result (idempotence).
    /// </summary>
    public static bool TryMapScript(char c, out char latin) => TryMap(ScriptLookalikes, FoldCherokee(c), out latin);

    private static bool TryMap(FrozenDictionary<char, char> table, char c, out char latin) =>
        table.TryGetValue(c, out latin) || table.TryGetValue(FoldCherokee(char.ToLowerInvariant(c)), out latin);

    /// <summary>
    /// Whether the non-Latin lookalikes of a token should be mapped: the token mixes Latin with another script, mixes
    /// two lookalike scripts, contains Cherokee (not used for chat in practice), or is made only of lookalikes and
    /// contains a letter that Russian does not use. A fully Cyrillic or Greek word stays as it is.
    /// </summary>
    public static bool ShouldMap(ReadOnlySpan<char> token)
    {
        bool latin = false, greek = false, cyrillic = false, armenian = false, cherokee = false;
        bool allLookalikes = true, strong = false;
        int letters = 0;
        foreach (char original in token)
        {
            // Classify the lowercase form, so the decision is the same before and after lowercasing (Ω vs ω).
            char c = char.ToLowerInvariant(original);
            if (char.IsSurrogate(c))
            {
                allLookalikes = false;
                continue;
            }

            if (!char.IsLetter(c))
            {
                continue;
            }

            letters++;
            switch (ScriptOf(c))
            {
                case Script.Latin: latin = true; break;
                case Script.Greek: greek = true; break;
                case Script.Cyrillic: cyrillic = true; break;
                case Script.Armenian: armenian = true; break;
                case Script.Cherokee: cherokee = true; break;
                default: allLookalikes = false; continue;
            }

            if (ScriptOf(c) != Script.Latin)
            {
                if (!TryMapScript(c, out _))
                {
                    allLookalikes = false;
                }
                else if (IsStrong(c))
                {
                    strong = true;
                }
            }
        }

        int otherScripts = (greek ? 1 : 0) + (cyrillic ? 1 : 0) + (armenian ? 1 : 0) + (cherokee ? 1 : 0);
        if (otherScripts == 0)
        {
            return false;
        }

        return latin || otherScripts >= 2 || cherokee || (allLookalikes && strong && letters >= 2);
    }

    private static char FoldCherokee(char c) => c switch
    {
        >= '\uAB70' and <= '\uABBF' => (char)(c - 0xAB70 + 0x13A0),
        >= '\u13F8' and <= '\u13FD' => (char)(c - 8),
        _ => c,
    };

    private static Script ScriptOf(char c) => c switch
    {
        < '\u0370' => Script.Latin,
        <= '\u03FF' => Script.Greek,
        >= '\u0400' and <= '\u052F' => Script.Cyrillic,
        >= '\u0530' and <= '\u058F' => Script.Armenian,
        >= '\u13A0' and <= '\u13FF' => Script.Cherokee,
        >= '\u1D00' and <= '\u1EFF' => Script.Latin,
        >= '\u1F00' and <= '\u1FFF' => Script.Greek,
        >= '\u2C60' and <= '\u2C7F' => Script.Latin,
        >= '\uA640' and <= '\uA69F' => Script.Cyrillic,
        >= '\uA720' and <= '\uA7FF' => Script.Latin,
        >= '\uAB70' and <= '\uABBF' => Script.Cherokee,
        >= '\uFF21' and <= '\uFF5A' => Script.Latin,
        _ => Script.Other,
    };
}
